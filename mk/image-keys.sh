#!/bin/sh
# Makes a development signing CA and a bundle signing certificate for RAUC in DIR (never committed; a real
# deployment keeps its CA key offline and its signing key in an HSM: image/README.md, "Keys").
# Usage: mk/image-keys.sh DIR. Leaves existing keys alone, so images and bundles of one build folder agree.
set -eu
dir=$1
[ -f "$dir/ca.cert.pem" ] && [ -f "$dir/signing.cert.pem" ] && [ -f "$dir/signing.key.pem" ] && exit 0
mkdir -p "$dir"
umask 077
cat >"$dir/ext.cnf" <<'CNF'
[signer]
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
CNF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-subj "/O=Kiosk development/CN=Kiosk development bundle CA" -addext basicConstraints=critical,CA:true \
	-addext keyUsage=critical,keyCertSign,cRLSign -keyout "$dir/ca.key.pem" -out "$dir/ca.cert.pem"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj "/O=Kiosk development/CN=Kiosk development bundle signer" \
	-keyout "$dir/signing.key.pem" -out "$dir/signing.csr.pem" 2>/dev/null
openssl x509 -req -in "$dir/signing.csr.pem" -CA "$dir/ca.cert.pem" -CAkey "$dir/ca.key.pem" \
	-CAcreateserial -days 3650 -extfile "$dir/ext.cnf" -extensions signer -out "$dir/signing.cert.pem" 2>/dev/null
rm -f "$dir/signing.csr.pem"
chmod 644 "$dir/ca.cert.pem" "$dir/signing.cert.pem"
echo "development RAUC keys in $dir (CA and signer; keep them out of version control)"
