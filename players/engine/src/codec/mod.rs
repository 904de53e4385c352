//! Codec configuration: H.264/H.265 parameter sets to `avcC`/`hvcC` records, AAC
//! AudioSpecificConfig.
