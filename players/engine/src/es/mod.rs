//! Elementary audio streams: ADTS AAC and MP3 (radio, podcasts).
