/**
 * The `bin/detect` and `bin/build` scripts of the sample buildpacks: POSIX sh following Buildpack
 * API 0.10 (inputs in `CNB_*` variables, the app directory as the working directory, detect exits
 * 0 to pass and 100 to fail, build writes `<layers>/launch.toml` and launch layers). They need
 * `/bin/sh`, `grep`, `sed` and `tr` from the image they run on. Lines with values go through
 * `printf '%s'`, because dash's `echo` would turn backslashes into escapes.
 */

const script = (...lines: string[]): string => `#!/bin/sh\n${lines.join('\n')}\n`;

// Shared by the build scripts: quote a value for a TOML basic string (backslashes and quotes).
const tomlQuote = ['toml_string() {', '  printf \'"%s"\' "$(printf \'%s\' "$1" | sed \'s/\\\\/\\\\\\\\/g; s/"/\\\\"/g\')"', '}'];

/** samples/static: passes when the app has `index.html` at its root. */
export const staticDetect = script(
  '# samples/static (Buildpack API 0.10): passes when the app has an index.html at its root.',
  '[ -f index.html ] || exit 100',
  'echo "samples/static: found index.html"',
  'exit 0',
);

/**
 * samples/static: a launch layer `web` holding `bin/serve-static`, and the default process `web`
 * running it; the script serves the app directory with busybox httpd or python3, whichever the
 * run image has.
 */
export const staticBuild = script(
  '# samples/static (Buildpack API 0.10): a launch layer with a script that serves the app',
  '# directory over HTTP, and the default "web" process that runs it.',
  'set -eu',
  'layer="$CNB_LAYERS_DIR/web"',
  'mkdir -p "$layer/bin"',
  'cat > "$layer/bin/serve-static" <<\'EOF\'',
  '#!/bin/sh',
  '# Serves the working directory (the app) on $PORT, default 8080, with what the run image offers.',
  'port="${PORT:-8080}"',
  'if command -v busybox >/dev/null 2>&1; then exec busybox httpd -f -v -p "$port" -h .; fi',
  'if command -v python3 >/dev/null 2>&1; then exec python3 -m http.server "$port"; fi',
  'echo "samples/static: the run image has neither busybox nor python3 to serve $PWD" >&2',
  'exit 1',
  'EOF',
  'chmod 755 "$layer/bin/serve-static"',
  'printf \'[types]\\n  launch = true\\n\' > "$layer.toml"',
  ...tomlQuote,
  '{',
  '  echo "[[processes]]"',
  '  echo "  type = \\"web\\""',
  '  printf \'  command = [%s]\\n\' "$(toml_string "$layer/bin/serve-static")"',
  '  echo "  default = true"',
  '} > "$CNB_LAYERS_DIR/launch.toml"',
  'echo "samples/static: process \\"web\\" serves $(pwd)"',
);

/** samples/shell: passes when the app has at least one `*.sh` file at its root. */
export const shellDetect = script(
  '# samples/shell (Buildpack API 0.10): passes when the app has a *.sh script at its root.',
  'for file in *.sh; do',
  '  if [ -f "$file" ]; then echo "samples/shell: found $file"; exit 0; fi',
  'done',
  'exit 100',
);

/**
 * samples/shell: one launch process per root `*.sh` script, typed by the file name without `.sh`
 * and run with `sh` from the app directory; `start.sh`, or else the first script, is the default.
 */
export const shellBuild = script(
  '# samples/shell (Buildpack API 0.10): one launch process per *.sh script at the app root, run',
  '# with sh from the app directory; start.sh (or else the first script) is the default process.',
  'set -eu',
  ...tomlQuote,
  'default=""',
  'if [ -f start.sh ]; then default="start.sh"; fi',
  ': > "$CNB_LAYERS_DIR/launch.toml"',
  'for file in *.sh; do',
  '  [ -f "$file" ] || continue',
  '  [ -n "$default" ] || default="$file"',
  '  type="$(basename "$file" .sh | tr -c \'A-Za-z0-9_.\\n-\' \'-\')"',
  '  is_default=false',
  '  if [ "$file" = "$default" ]; then is_default=true; fi',
  '  {',
  '    echo "[[processes]]"',
  '    printf \'  type = %s\\n\' "$(toml_string "$type")"',
  '    printf \'  command = ["sh", %s]\\n\' "$(toml_string "$file")"',
  '    echo "  default = $is_default"',
  '    echo',
  '  } >> "$CNB_LAYERS_DIR/launch.toml"',
  '  printf \'samples/shell: process "%s" runs sh %s\\n\' "$type" "$file"',
  'done',
);

/** samples/procfile: passes when the app has a `Procfile`. */
export const procfileDetect = script(
  '# samples/procfile (Buildpack API 0.10): passes when the app has a Procfile.',
  '[ -f Procfile ] || exit 100',
  'echo "samples/procfile: found Procfile"',
  'exit 0',
);

/**
 * samples/procfile: each `type: command` line of the Procfile becomes a launch process run by
 * `sh -c`; `web`, or else the first type, is the default. Blank lines and `#` comments are skipped.
 */
export const procfileBuild = script(
  '# samples/procfile (Buildpack API 0.10): each "type: command" line of the Procfile becomes a',
  '# launch process run by sh -c; "web" (or else the first type) is the default process.',
  'set -eu',
  ...tomlQuote,
  'default=""',
  'if grep -q \'^web:\' Procfile; then default="web"; fi',
  ': > "$CNB_LAYERS_DIR/launch.toml"',
  'while IFS= read -r line || [ -n "$line" ]; do',
  '  case "$line" in ""|"#"*) continue ;; *:*) ;; *) printf \'samples/procfile: skipping a line without "type:": %s\\n\' "$line" >&2; continue ;; esac',
  '  type="${line%%:*}"',
  '  command="$(printf \'%s\' "${line#*:}" | sed \'s/^[[:space:]]*//\')"',
  '  case "$type" in',
  '    ""|*[!A-Za-z0-9_.-]*) printf \'samples/procfile: skipping a line without a valid type: %s\\n\' "$line" >&2; continue ;;',
  '  esac',
  '  [ -n "$default" ] || default="$type"',
  '  is_default=false',
  '  if [ "$type" = "$default" ]; then is_default=true; fi',
  '  {',
  '    echo "[[processes]]"',
  '    printf \'  type = %s\\n\' "$(toml_string "$type")"',
  '    printf \'  command = ["sh", "-c", %s]\\n\' "$(toml_string "$command")"',
  '    echo "  default = $is_default"',
  '    echo',
  '  } >> "$CNB_LAYERS_DIR/launch.toml"',
  '  printf \'samples/procfile: process "%s" runs: %s\\n\' "$type" "$command"',
  'done < Procfile',
);
