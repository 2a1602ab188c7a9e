#!/bin/sh
# Test PKI for the reference platform and the terminal: a CA, a server certificate for 127.0.0.1 and localhost,
# and a client certificate whose CN is the terminal id. EC P-256 keys, PEM files in DIR.
# Usage: mk/pki.sh DIR [TERMINAL_ID]. Does nothing when DIR already holds all five files.
set -eu

dir=${1:?usage: mk/pki.sh DIR [TERMINAL_ID]}
tid=${2:-ZW3101150001}
mkdir -p "$dir"
cd "$dir"
if [ -s ca.pem ] && [ -s server.pem ] && [ -s server.key ] && [ -s client.pem ] && [ -s client.key ]; then
	exit 0
fi

# Made under temporary names and renamed at the end, so an interrupted run leaves no half set behind.
tmp=$(mktemp -d .pki.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key "$tmp/ca.key"
openssl req -x509 -new -key "$tmp/ca.key" -subj "/CN=zwkiosk test CA" -days 3650 -sha256 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	-out "$tmp/ca.pem"

leaf() { # name, subject, extensions
	key "$tmp/$1.key"
	openssl req -new -key "$tmp/$1.key" -subj "$2" -out "$tmp/$1.csr"
	printf '%s\n' "$3" >"$tmp/$1.ext"
	openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
		-days 825 -sha256 -extfile "$tmp/$1.ext" -out "$tmp/$1.pem" 2>/dev/null
}
leaf server "/CN=localhost" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
leaf client "/CN=$tid" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"

for f in ca.pem server.pem server.key client.pem client.key; do
	mv "$tmp/$f" "$f"
done
