#!/bin/sh
# vault-dump.sh: write a wiflint Vault dump bundle (format vault-bundle/v1).
#
# Usage:
#   VAULT_ADDR=https://vault.example.com:8200 VAULT_TOKEN=... \
#     [VAULT_NAMESPACE=team-a/] sh vault-dump.sh > vault-bundle.json
#   wiflint check vault-bundle.json fic.json k8s/
#
# Run it where Vault is reachable. It only reads; it needs the `vault` CLI on
# PATH and nothing else but a POSIX sh, awk, sed, tr, printf and cat (no jq, no
# python). VAULT_ADDR, VAULT_TOKEN (or the token helper), VAULT_NAMESPACE and
# the other VAULT_* variables are left to the `vault` CLI, which honours them
# as usual. The bundle goes to stdout; progress and warnings go to stderr.
#
# The bundle is one JSON object:
#   "wiflint"       "vault-bundle/v1", the format marker.
#   "address"       $VAULT_ADDR (the CLI default https://127.0.0.1:8200 when
#                   unset); shown in wiflint's messages only.
#   "namespace"     $VAULT_NAMESPACE normalised: "" for the root namespace,
#                   else the path with no leading and one trailing slash.
#   "namespace_id"  "root" for the root namespace, else the id printed by
#                   `vault namespace lookup` run against the parent namespace
#                   (null, with a warning, when that lookup fails). It goes
#                   into the expected FIC subject
#                   plugin-identity:<namespace_id>:secret:<mount accessor>.
#   "responses"     Vault API path -> what the CLI printed for it:
#     sys/mounts               `vault secrets list -format=json`: mount types,
#                              accessors and config.identity_token_key.
#     <mount>/config           `vault read -format=json` of every mount of type
#                              azure: identity_token_audience, identity_token_ttl,
#                              client_id, tenant_id, subscription_id.
#     identity/oidc/key/<name> the signing key of each mount (its
#                              identity_token_key, and always `default`):
#                              algorithm and verification_ttl.
#     identity/oidc/config     the configured issuer (base of the plugin issuer).
#     identity/oidc/plugins/.well-known/openid-configuration
#                              the plugin-identity discovery document (issuer).
#     sys/config/state/sanitized
#                              the server's api_addr, used when the issuer is
#                              unset. Needs a sudo-capable token.
#
# Failure handling: a failed `vault secrets list` is fatal (exit 1, nothing on
# stdout). Any other read that fails, or that does not print a JSON object, is
# left out of "responses" with a warning; wiflint then stays silent on the
# rules that need it.
#
# Parsing: the JSON printed by the CLI is read with a small JSON tokenizer in
# awk (below), not with the `vault secrets list` table (whose columns differ
# between CLI versions) nor with line-based sed patterns (which would depend on
# the CLI's indentation and key order, and could pick up an "id" or "type" key
# nested elsewhere). The tokenizer also checks that each captured response is
# well-formed JSON before it is put in the bundle, so the bundle stays valid.
#
# Exit status: 0 bundle written (possibly with warnings), 1 fatal error,
# 2 usage error.

set -eu

prog=vault-dump
nl='
'

usage() {
    cat <<'EOF'
Usage: vault-dump.sh [--help]

Writes a wiflint Vault dump bundle (JSON, format vault-bundle/v1) to stdout,
reading the Vault that the `vault` CLI is pointed at:

  VAULT_ADDR=https://vault.example.com:8200 VAULT_TOKEN=... \
    [VAULT_NAMESPACE=team-a/] sh vault-dump.sh > vault-bundle.json

It records sys/mounts, <mount>/config of every azure mount, the OIDC signing
keys those mounts use (and `default`), identity/oidc/config, the plugin
identity discovery document and, with a sudo-capable token,
sys/config/state/sanitized. Reads that fail are left out with a warning on
stderr; only a failing `vault secrets list` is fatal.

Exit status: 0 written, 1 fatal error, 2 usage error.
EOF
}

info() { printf '%s: %s\n' "$prog" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }

case $# in
    0) ;;
    1)
        case $1 in
            -h | --help | -help | help) usage; exit 0 ;;
            *) printf '%s: unknown argument: %s\n' "$prog" "$1" >&2; usage >&2; exit 2 ;;
        esac ;;
    *) printf '%s: too many arguments\n' "$prog" >&2; usage >&2; exit 2 ;;
esac

command -v vault >/dev/null 2>&1 || die "the vault CLI is not on PATH"

# JSON tokenizer. Reads one JSON document and prints one line per scalar:
#   <kind> TAB <key> TAB <key> ... TAB <value>
# kind is s (string) or l (true/false/null/number); keys are the object keys
# (array elements: their index) from the top down; strings are printed as they
# stand in the JSON, without the quotes and still escaped. Exits 1 if the input
# is not one well-formed JSON value (an object if -v object=1).
# States: V value, W value or ], K key, Q key or }, C colon, A comma or close,
# E after the top-level value.
# shellcheck disable=SC2016 # an awk program: its $ are awk's, not the shell's
flat_awk='
function fail() { bad = 1; exit 1 }
function emit(kind, v,   p, k) {
    if (index(v, "\t")) fail()
    p = kind
    for (k = 1; k <= d; k++) p = p "\t" key[k]
    print p "\t" v
}
function done_value() { st = (d == 0) ? "E" : "A" }
BEGIN { d = 0; st = "V"; bad = 0; first = 1 }
{
    line = $0; n = length(line); i = 1
    while (i <= n) {
        c = substr(line, i, 1)
        if (c == " " || c == "\t" || c == "\r") { i++; continue }
        if (first) { first = 0; if (object && c != "{") fail() }
        if (c == "{" || c == "[") {
            if (st != "V" && st != "W") fail()
            d++; kind[d] = c
            if (c == "{") st = "Q"; else { key[d] = 0; st = "W" }
            i++; continue
        }
        if (c == "}" || c == "]") {
            if (c == "}" && !(kind[d] == "{" && (st == "Q" || st == "A"))) fail()
            if (c == "]" && !(kind[d] == "[" && (st == "W" || st == "A"))) fail()
            d--; done_value(); i++; continue
        }
        if (c == ",") {
            if (st != "A") fail()
            if (kind[d] == "{") st = "K"; else { key[d]++; st = "V" }
            i++; continue
        }
        if (c == ":") { if (st != "C") fail(); st = "V"; i++; continue }
        if (c == "\"") {
            j = i + 1
            while (1) {
                e = substr(line, j, 1)
                if (e == "") fail()
                if (e == "\\") { j += 2; continue }
                if (e == "\"") break
                j++
            }
            s = substr(line, i + 1, j - i - 1); i = j + 1
            if (st == "K" || st == "Q") { if (index(s, "\t")) fail(); key[d] = s; st = "C"; continue }
            if (st != "V" && st != "W") fail()
            emit("s", s); done_value(); continue
        }
        j = i
        while (j <= n && index(",:[]{}\" \t\r", substr(line, j, 1)) == 0) j++
        s = substr(line, i, j - i); i = j
        if (s !~ /^(true|false|null|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)$/) fail()
        if (st != "V" && st != "W") fail()
        emit("l", s); done_value()
    }
}
END { if (bad || st != "E") exit 1 }
'

# flatten JSON [object]: tokenize $1; with a second argument, require an object.
flatten() {
    printf '%s\n' "$1" | awk -v object="${2:-0}" "$flat_awk"
}

# json_escape STRING: STRING as the inside of a JSON string literal.
# (The value goes through ENVIRON, not awk -v, which would eat backslashes.)
json_escape() {
    JE_IN=$1 awk 'BEGIN {
        s = ENVIRON["JE_IN"]; out = ""
        for (k = 1; k < 32; k++) ctl[sprintf("%c", k)] = sprintf("\\u%04x", k)
        ctl["\n"] = "\\n"; ctl["\t"] = "\\t"; ctl["\r"] = "\\r"
        n = length(s)
        for (i = 1; i <= n; i++) {
            c = substr(s, i, 1)
            if (c == "\\") out = out "\\\\"
            else if (c == "\"") out = out "\\\""
            else if (c in ctl) out = out ctl[c]
            else out = out c
        }
        printf "%s", out
    }'
}

# Responses gathered so far, as JSON members; sys/mounts always comes first.
entries=''
count=0
omitted=''

# add_entry PATH JSON: append one member to "responses" (JSON already checked).
add_entry() {
    ae_key=$(json_escape "$1")
    ae_val=$(printf '%s\n' "$2" | sed '1!s/^/    /')
    if [ -n "$entries" ]; then entries="$entries,$nl"; fi
    entries="$entries    \"$ae_key\": $ae_val"
    count=$((count + 1))
}

omit() {
    omitted="$omitted $1"
    warn "$2; \"$1\" left out of the bundle"
}

# read_path PATH: `vault read -format=json PATH` into the bundle, or warn.
read_path() {
    rp_path=$1
    info "reading $rp_path"
    if rp_out=$(vault read -format=json "$rp_path" </dev/null); then
        if flatten "$rp_out" 1 >/dev/null; then
            add_entry "$rp_path" "$rp_out"
        else
            omit "$rp_path" "vault read $rp_path did not print a JSON object"
        fi
    else
        rp_rc=$?
        omit "$rp_path" "vault read $rp_path failed (exit $rp_rc)"
    fi
}

# --- address and namespace ------------------------------------------------

address=${VAULT_ADDR-}
if [ -z "$address" ]; then
    address=https://127.0.0.1:8200
    warn "VAULT_ADDR is not set; recording the vault CLI default $address"
fi

# "" for the root namespace, else no leading slash and exactly one trailing one.
namespace=$(printf '%s\n' "${VAULT_NAMESPACE-}" | sed -e 's#^/*##' -e 's#/*$##')
if [ -n "$namespace" ]; then namespace="$namespace/"; fi

# --- sys/mounts (fatal on failure) ----------------------------------------

info "listing secrets engines (vault secrets list) at $address${namespace:+ in namespace $namespace}"
if mounts_json=$(vault secrets list -format=json </dev/null); then
    :
else
    die "vault secrets list failed (exit $?): cannot list the secrets engines. Check VAULT_ADDR, VAULT_TOKEN and VAULT_NAMESPACE, and that the token may read sys/mounts. No bundle written."
fi
if mounts_flat=$(flatten "$mounts_json" 1); then
    :
else
    die "vault secrets list -format=json did not print a JSON object. No bundle written."
fi
add_entry "sys/mounts" "$mounts_json"

# --- namespace id ---------------------------------------------------------

if [ -z "$namespace" ]; then
    namespace_id='"root"'
else
    ns_trim=${namespace%/}
    ns_child=${ns_trim##*/}
    case $ns_trim in
        */*) ns_parent=${ns_trim%/*}/ ;;
        *) ns_parent='' ;;
    esac
    namespace_id=null
    info "looking up namespace $ns_child in ${ns_parent:-the root namespace}"
    # An empty VAULT_NAMESPACE counts as unset for the CLI, i.e. the root.
    if ns_out=$(VAULT_NAMESPACE=$ns_parent vault namespace lookup -format=json "$ns_child" </dev/null); then
        # The id is data.id in `vault namespace lookup -format=json` output
        # (a secret envelope); accept a bare top-level id as well.
        ns_id=$(flatten "$ns_out" 1 | awk -F '\t' '
            $1 == "s" && ((NF == 3 && $2 == "id") || (NF == 4 && $2 == "data" && $3 == "id")) { print $NF; exit }') || ns_id=''
        if [ -n "$ns_id" ]; then
            namespace_id="\"$ns_id\""
        else
            warn "vault namespace lookup $ns_child printed no id; namespace_id is null"
        fi
    else
        warn "vault namespace lookup $ns_child (in ${ns_parent:-the root namespace}) failed (exit $?); namespace_id is null, so wiflint cannot check the FIC subject"
    fi
fi

# --- azure mounts and their signing keys ------------------------------------

# Mount paths of azure mounts, one a line (type azure; also the external
# plugin's catalogue name). Paths with JSON escapes in them are skipped.
azure_mounts=$(printf '%s\n' "$mounts_flat" | awk -F '\t' '
    $1 == "s" && NF == 4 && $3 == "type" && ($4 == "azure" || $4 == "vault-plugin-secrets-azure") { print $2 }')
# identity_token_key of every mount, one a line.
token_keys=$(printf '%s\n' "$mounts_flat" | awk -F '\t' '
    $1 == "s" && NF == 5 && $3 == "config" && $4 == "identity_token_key" && $5 != "" { print $5 }')

if [ -z "$azure_mounts" ]; then
    warn "no secrets engine of type azure in ${namespace:-the root namespace}"
fi

while IFS= read -r mount; do
    [ -n "$mount" ] || continue
    case $mount in
        *\\*) warn "skipping mount with escaped characters in its path: $mount"; continue ;;
    esac
    read_path "${mount%/}/config"
done <<EOF
$azure_mounts
EOF

key_names=default
while IFS= read -r key_name; do
    [ -n "$key_name" ] || continue
    case $key_name in
        *\\*) warn "skipping identity_token_key with escaped characters: $key_name"; continue ;;
    esac
    case "$nl$key_names$nl" in
        *"$nl$key_name$nl"*) ;;
        *) key_names="$key_names$nl$key_name" ;;
    esac
done <<EOF
$token_keys
EOF

while IFS= read -r key_name; do
    read_path "identity/oidc/key/$key_name"
done <<EOF
$key_names
EOF

# --- issuer inputs --------------------------------------------------------

read_path identity/oidc/config
read_path identity/oidc/plugins/.well-known/openid-configuration
read_path sys/config/state/sanitized

# --- the bundle -----------------------------------------------------------

printf '{\n'
printf '  "wiflint": "vault-bundle/v1",\n'
printf '  "address": "%s",\n' "$(json_escape "$address")"
printf '  "namespace": "%s",\n' "$(json_escape "$namespace")"
printf '  "namespace_id": %s,\n' "$namespace_id"
printf '  "responses": {\n%s\n  }\n}\n' "$entries"

if [ -n "$omitted" ]; then
    info "bundle written: $count responses; left out:$omitted"
else
    info "bundle written: $count responses"
fi
