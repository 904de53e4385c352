#!/bin/sh
# Regenerates the test-only TLS material of the HTTPS tests: a private CA and a
# leaf certificate for localhost/127.0.0.1 signed by it, valid for 100 years.
# These keys protect nothing: they exist so the tests can run an HTTPS server on
# 127.0.0.1 and trust it through SSL_CERT_FILE=ca.pem.
set -eu
cd "$(dirname "$0")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 \
    -subj "/CN=wasp test CA" -keyout ca.key -out ca.pem \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=localhost" -keyout server.key -out server.csr
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 36500 \
    -extfile server.ext -out server.pem
# PKCS#8, which every TLS library reads.
openssl pkcs8 -topk8 -nocrypt -in server.key -out server.key.p8 && mv server.key.p8 server.key
rm -f server.csr server.ext ca.srl ca.key
