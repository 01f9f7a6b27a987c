#!/bin/sh
# Runs one part of the graph from dist/: the argument, else RSG_ROLE, else the gateway.
#   gateway | <a subgraph of config/subgraphs.json> | sandbox   run that part (node dist/<entry>.js)
#   dev-identity   writes a development signing key, its JWKS and tokens to .dev/ (compose demo only)
#   healthcheck    exits 0 when the part this container runs is ready (the image's HEALTHCHECK)
#   entry <part>   prints the compiled module that part runs
set -eu
# The project root (/app in the image): this file is deploy/docker/entrypoint.sh in it.
cd "$(dirname "$0")/../.."

# Which part this container runs, for the healthcheck (a separate process started by Docker).
role_file="${TMPDIR:-/tmp}/rsg-role"

entry_of() {
  case "$1" in
    gateway) echo dist/gateway/src/index.js ;;
    sandbox) echo dist/sandbox/main.js ;;
    *)
      # A subgraph: its entry in the manifest, compiled.
      node -e '
        const s = require("./config/subgraphs.json").subgraphs.find((x) => x.name === process.argv[1]);
        if (s) console.log("dist/" + s.entry.replace(/\.ts$/, ".js"));
      ' "$1"
      ;;
  esac
}

# The URL readiness is asked on, from the same variables the part reads: its own port, else
# its default-layout port moved by PORT_BASE (docs/configuration.md, "Ports").
base="${PORT_BASE:-4000}"
ready_url() {
  case "$1" in
    gateway) echo "http://127.0.0.1:${GATEWAY_PORT:-$base}/health/ready" ;;
    # The sandbox has no readiness of its own; its admin API answers once it listens.
    sandbox) echo "http://127.0.0.1:${SANDBOX_SALESFORCE_PORT:-$((base + 101))}/__sandbox/stats" ;;
    *)
      node -e '
        const s = require("./config/subgraphs.json").subgraphs.find((x) => x.name === process.argv[1]);
        const port = process.env[s.name.toUpperCase() + "_SUBGRAPH_PORT"] || Number(process.argv[2]) + s.port - 4000;
        console.log("http://127.0.0.1:" + port + "/health/ready");
      ' "$1" "$base"
      ;;
  esac
}

role="${1:-${RSG_ROLE:-gateway}}"
case "$role" in
  healthcheck)
    running="${RSG_ROLE:-$(cat "$role_file" 2>/dev/null || echo gateway)}"
    exec node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$(ready_url "$running")"
    ;;
  entry)
    entry_of "${2:-}"
    exit 0
    ;;
  dev-identity)
    exec node --input-type=module -e '
      import { writeFileSync } from "node:fs";
      const { loadOrCreateDevIssuer } = await import(process.cwd() + "/dist/lib/auth/dev.js");
      const issuer = await loadOrCreateDevIssuer(".dev");
      const tokens = {
        agent: await issuer.token({ sub: "dev-agent", roles: ["agent"] }),
        finance: await issuer.token({ sub: "dev-finance", roles: ["finance"] }),
        operator: await issuer.token({ sub: "dev-operator", roles: ["operator"] }),
      };
      writeFileSync(".dev/tokens.json", JSON.stringify(tokens, null, 2) + "\n", { mode: 0o644 });
      console.log("development identity in .dev/: jwks.json (issuer " + issuer.issuer + ", audience " + issuer.audience + ") and tokens.json");
    '
    ;;
esac

entry="$(entry_of "$role")"
if [ -z "$entry" ] || [ ! -f "$entry" ]; then
  echo "unknown part '$role': expected gateway, sandbox, dev-identity, healthcheck or a subgraph of config/subgraphs.json" >&2
  exit 64
fi
echo "$role" > "$role_file"
exec node "$entry"
