#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# kefu-server --postgres end to end, as an administrator runs it: init,
# serve on 127.0.0.1 (port 0), sign in over HTTP, push and pull a row,
# reset-epoch and purge, and the messages for a second init and for a
# database that cannot be reached. Run through tests/kefu-test-pg.sh:
#
#   tests/kefu-test-pg.sh tests/test-server-cli-pg.sh BUILD/src/server/kefu-server

set -euo pipefail

server="$1"
: "${KEFU_TEST_PG:?run through tests/kefu-test-pg.sh}"
export KEFU_SERVER_PWHASH_FAST=1

work="$(mktemp -d -t kefu-cli-pg.XXXXXX)"
pid=""
cleanup ()
{
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail ()
{
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

printf 'correct horse\n' >"$work/password"

"$server" init --postgres "$KEFU_TEST_PG" --admin root --password-file "$work/password" \
  --hq-code HQ --hq-name Headquarters >"$work/init.out"
grep -q 'Initialised: admin "root"' "$work/init.out" || fail "init did not report the admin"

if "$server" init --postgres "$KEFU_TEST_PG" --admin root --password-file "$work/password" \
     2>"$work/init2.err"; then
  fail "a second init succeeded"
fi
[ -s "$work/init2.err" ] || fail "a second init gave no message"

if "$server" serve --postgres "host=$work/nowhere port=1 dbname=kefu" 2>"$work/bad.err"; then
  fail "serve started without a database"
fi
grep -q 'Cannot connect to PostgreSQL' "$work/bad.err" || fail "unclear message: $(cat "$work/bad.err")"

"$server" serve --postgres "$KEFU_TEST_PG" --port 0 2>"$work/serve.err" &
pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.err")"
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "serve exited: $(cat "$work/serve.err")"
  sleep 0.1
done
[ -n "$port" ] || fail "serve did not report its port"

python3 - "$port" <<'EOF'
import json, sys, urllib.request, urllib.error, uuid

base = f"http://127.0.0.1:{sys.argv[1]}/api/v1/"

def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")

status, _ = call("POST", "login", {"username": "root", "password": "wrong password"})
assert status == 401, status
status, login = call("POST", "login", {"username": "root", "password": "correct horse"})
assert status == 200, (status, login)
token, epoch = login["token"], login["epoch"]
status, me = call("GET", "me", token=token)
assert status == 200 and (me.get("user") or me)["username"] == "root", me

device = str(uuid.uuid4())
row = str(uuid.uuid4())
op = {"seq": 1, "op_id": str(uuid.uuid4()), "entity": "category", "row_id": row,
      "op": "insert", "base_version": 0, "hlc": "1764740000000:00001:" + device,
      "fields": {"name": "投诉 'quoted' \\ name"}}
status, push = call("POST", "push", {"device_id": device, "epoch": epoch, "ops": [op]}, token)
assert status == 200, (status, push)
assert push["results"][0]["status"] == "applied", push
# A replay is answered identically and changes nothing.
status, again = call("POST", "push", {"device_id": device, "epoch": epoch, "ops": [op]}, token)
assert status == 200 and again == push, (push, again)

status, pull = call("POST", "pull", {"epoch": epoch, "cursors": {}, "limit": 1000}, token)
assert status == 200, (status, pull)
mine = [c for c in pull["changes"] if c["row_id"] == row]
assert len(mine) == 1 and mine[0]["fields"]["name"] == "投诉 'quoted' \\ name", pull

status, _ = call("POST", "logout", token=token)
assert status == 204, status
status, _ = call("GET", "me", token=token)
assert status == 401, status
print("HTTP over the PostgreSQL store: ok")
EOF

kill "$pid"
wait "$pid" || true
pid=""

# The rows are in PostgreSQL, not in a file.
"$server" reset-epoch --postgres "$KEFU_TEST_PG" | grep -q 'New epoch' || fail "reset-epoch"
"$server" purge --postgres "$KEFU_TEST_PG" | grep -q 'Purged 0 tombstones' || fail "purge"
echo "kefu-server --postgres: ok"
