#!/bin/sh
# Make a CA and a serving certificate for kguard serve with openssl, store them as the Secret
# kguard-tls, and patch the CA into both webhook configurations (caBundle).
#
#   deploy/gen-certs.sh [--namespace kguard] [--service kguard] [--days 365] [--out DIR] [--apply]
#
# Without --apply it only writes the files (DIR: ca.crt, ca.key, tls.crt, tls.key, and
# webhooks.yaml with caBundle filled) and prints the kubectl commands. With --apply it runs them.
# Rotation: run it again; kguard re-reads tls.crt/tls.key when the Secret volume updates, and the
# new caBundle is patched in the same run (the old CA keeps working until the webhooks are updated,
# as the API server reads caBundle on every call).
set -eu
ns=kguard
svc=kguard
days=365
out=
apply=0
while [ $# -gt 0 ]; do
	case "$1" in
	--namespace) ns=$2; shift 2 ;;
	--service) svc=$2; shift 2 ;;
	--days) days=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--apply) apply=1; shift ;;
	-h|--help) sed -n '2,12p' "$0"; exit 0 ;;
	*) echo "gen-certs.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
[ -n "$out" ] || out=$(mktemp -d)
mkdir -p "$out"
umask 077
dns="$svc.$ns.svc"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
	-keyout "$out/ca.key" -out "$out/ca.crt" -subj "/CN=kguard-webhook-ca" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$out/tls.key" \
	-out "$out/tls.csr" -subj "/CN=$dns" 2>/dev/null
cat > "$out/ext.cnf" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$svc,DNS:$svc.$ns,DNS:$dns,DNS:$dns.cluster.local
EXT
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
	-days "$days" -extfile "$out/ext.cnf" -out "$out/tls.crt" 2>/dev/null
rm -f "$out/tls.csr" "$out/ext.cnf" "$out/ca.srl"
openssl verify -CAfile "$out/ca.crt" "$out/tls.crt" >/dev/null

ca=$(base64 < "$out/ca.crt" | tr -d '\n')
sed "s|caBundle: \"\"|caBundle: \"$ca\"|" "$here/webhooks.yaml" > "$out/webhooks.yaml"
[ "$(grep -c "caBundle: \"$ca\"" "$out/webhooks.yaml")" -eq 3 ] || { echo "gen-certs.sh: caBundle not patched" >&2; exit 1; }

echo "gen-certs.sh: wrote $out/{ca.crt,ca.key,tls.crt,tls.key,webhooks.yaml} for $dns"
secret_cmd="kubectl -n $ns create secret tls kguard-tls --cert=$out/tls.crt --key=$out/tls.key --dry-run=client -o yaml | kubectl apply -f -"
hook_cmd="kubectl apply -f $out/webhooks.yaml"
if [ "$apply" = 1 ]; then
	sh -c "$secret_cmd"
	$hook_cmd
else
	echo "next: $secret_cmd"
	echo "      $hook_cmd"
fi
