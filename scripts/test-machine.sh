#!/usr/bin/env bash
# What the test suite needs from the machine, for `make test` and so for CI (.ci/run calls make test).
#   scripts/test-machine.sh prepare      Debian packages (installed with apt when run as root), then
#                                        PostgreSQL and Redis started when they are installed but down.
#   scripts/test-machine.sh run CMD...   CMD with DATABASE_URL / REDIS_URL pointing at the local servers
#                                        unless they are set already.
# Without root, a missing package stops at once with one line naming it and the command to install it.
set -euo pipefail

PACKAGES=(
  chromium                                             # browser tests (Playwright drives Debian's chromium)
  poppler-utils                                        # pdftotext, pdffonts, pdfinfo read the PDFs back
  fonts-dejavu-core fonts-liberation                   # WeasyPrint needs real fonts
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 # WeasyPrint's libraries
  gettext                                              # msgfmt: the Swedish catalogue
  docker-compose                                       # validates docker-compose.yml without a daemon
  make
  postgresql postgresql-client                         # the real database; initdb for the fault tests
  redis-server                                         # the broker; a server of their own for fault tests
  clamav-daemon                                        # clamd scans uploads (local EICAR signature, no download)
)
PG_URL=postgres://postgres@127.0.0.1:5432/ungdomsinsats
REDIS_DEFAULT=redis://127.0.0.1:6379/0

say() { echo "test-machine: $*" >&2; }

missing_packages() {
  local package
  for package in "${PACKAGES[@]}"; do
    if command -v dpkg-query >/dev/null; then
      dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
    fi
  done
}

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }

prepare() {
  local missing
  if ! command -v dpkg-query >/dev/null; then
    say "inte Debian: kontrollera själv att dessa finns / not Debian, make sure these are installed: ${PACKAGES[*]}"
  fi
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      say "installerar / installing: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      say "saknas för testerna / missing for the tests: ${missing[*]}; installera med / install with:" \
        "sudo apt-get install --no-install-recommends ${missing[*]}"
      exit 1
    fi
  fi

  # The OpenID provider of the SSO tests (npm oidc-provider, tests/oidc/package-lock.json). Debian's nodejs
  # and npm only where no node is installed (a NodeSource node brings its own npm).
  if ! command -v npm >/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    else
      say "npm saknas / missing: sudo apt-get install --no-install-recommends nodejs npm"
      exit 1
    fi
  fi
  local op_dir
  op_dir="$(cd "$(dirname "$0")/../tests/oidc" && pwd)"
  if [[ ! -d $op_dir/node_modules/oidc-provider ]]; then
    (cd "$op_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi

  if [[ -z ${DATABASE_URL:-} ]] && ! pg_up; then
    # Debian keeps one cluster per version under /etc/postgresql; start the newest.
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [[ -n $version ]] && pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  fi
  if [[ -z ${REDIS_URL:-} ]] && ! redis_up; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
  fi
  for _ in $(seq 30); do
    { [[ -n ${DATABASE_URL:-} ]] || pg_up; } && { [[ -n ${REDIS_URL:-} ]] || redis_up; } && break
    sleep 1
  done
  if [[ -z ${DATABASE_URL:-} ]] && ! psql "${PG_URL%/*}/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
    say "PostgreSQL svarar inte för postgres@127.0.0.1:5432 / does not answer: starta den" \
      "(pg_ctlcluster <version> main start) eller sätt DATABASE_URL / or set DATABASE_URL"
    exit 1
  fi
  if [[ -z ${REDIS_URL:-} ]] && ! redis_up; then
    say "Redis svarar inte på 127.0.0.1:6379 / does not answer: starta redis-server eller sätt REDIS_URL / or set REDIS_URL"
    exit 1
  fi
}

case ${1:-} in
  prepare) prepare ;;
  run)
    shift
    export DATABASE_URL=${DATABASE_URL:-$PG_URL} REDIS_URL=${REDIS_URL:-$REDIS_DEFAULT}
    export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
    exec "$@"
    ;;
  *)
    echo "usage: $0 prepare | run CMD..." >&2
    exit 2
    ;;
esac
