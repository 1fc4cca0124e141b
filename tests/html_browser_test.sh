#!/usr/bin/env bash
# The HTML report in a real browser (headless Chromium): the page the real binary writes for
# tests/html_browser_program.ai (a small examples/demo.ai, in hybrid mode), and pages html_report_test renders from hand-built profiles (both views with
# a native frame and a GC run, names that are markup, an empty profile, a tree wider than the
# frame cap). Each page gets tests/html_browser_checks.js appended, which uses it as a reader
# would and writes PASS/FAIL lines into the DOM; this script reads them from --dump-dom.
#
#   usage: tests/html_browser_test.sh ANARCHY HTML_REPORT_TEST SOURCE_DIR [SCREENSHOT_DIR]
#
# With SCREENSHOT_DIR, the real run's page and the hybrid page are also saved there as PNG
# screenshots at 1400 px width, in the state the checks leave them (a function selected from
# the table: its frames outlined, the sandwich beside the table), for a person to look at.
#
# Fails when a check fails, the report did not finish rendering, the page reported an error,
# the browser logged a console message, or Chromium is missing (scripts/install-deps.sh
# installs it; CHROMIUM=/path overrides which browser runs).
set -u
export LC_ALL=C

[ $# -eq 3 ] || [ $# -eq 4 ] ||
  { echo "usage: $0 ANARCHY HTML_REPORT_TEST SOURCE_DIR [SCREENSHOT_DIR]" >&2; exit 2; }
absolute() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
anarchy=$(absolute "$1")
html_report_test=$(absolute "$2")
source_dir=$(cd "$3" && pwd)
checks_js="$source_dir/tests/html_browser_checks.js"
screenshot_dir=${4:-}
if [ -n "$screenshot_dir" ]; then
  mkdir -p "$screenshot_dir" && screenshot_dir=$(cd "$screenshot_dir" && pwd)
fi

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
  echo "FAIL: chromium is not installed (scripts/install-deps.sh installs it)"
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/html-browser.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
  echo "FAIL $1"
  failures=$((failures + 1))
}

# The real binary's report of a short program, chosen by the -o extension. (examples/demo.ai
# itself takes over 20 s in a debug build.)
if ! (cd "$tmp" && "$anarchy" profile --mode hybrid -o demo.html \
        "$source_dir/tests/html_browser_program.ai" >run.out 2>run.err); then
  echo "FAIL: anarchy profile --mode hybrid -o demo.html failed:"
  sed 's/^/    /' "$tmp/run.err"
  exit 1
fi
# The hand-built pages.
if ! AIPROF_HTML_PAGES_DIR="$tmp" "$html_report_test" --gtest_filter='HtmlReportPages.*' \
        >"$tmp/pages.log" 2>&1; then
  echo "FAIL: html_report_test could not write the pages:"
  sed 's/^/    /' "$tmp/pages.log"
  exit 1
fi

# browser LOG ARGS...: headless Chromium at 1400 px, the page's scripts given 5 s of virtual time.
browser() {
  local log=$1
  shift
  timeout -k 5 120 "$chromium" --headless=new --no-sandbox --disable-gpu --no-first-run \
    --disable-extensions --user-data-dir="$tmp/browser-profile" --hide-scrollbars \
    --enable-logging=stderr --v=0 --virtual-time-budget=5000 "$@" 2>"$log"
}

# screenshot NAME: NAME's checked page as a reader sees it at 1400 px, after the checks ran.
screenshot() {
  local name=$1 png="$screenshot_dir/$1.png"
  rm -f "$png"
  (cd "$tmp" && browser "$tmp/$name.screenshot.log" --window-size=1400,1500 \
    --screenshot="$png" "file://$tmp/$name.checked.html" >/dev/null)
  if [ ! -s "$png" ]; then
    fail "$name: no screenshot was saved"
    return
  fi
  # A PNG's width: the 4 big-endian bytes after the signature and the IHDR chunk's head.
  local width
  width=$(od -An -tu1 -j16 -N4 "$png" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
  if [ "$width" != 1400 ]; then
    fail "$name: the screenshot is $width px wide, not 1400"
  else
    echo "$name: screenshot at 1400 px: $png"
  fi
}

# check_page NAME: opens NAME.html with the checks appended and reads what they found.
check_page() {
  local name=$1 page="$tmp/$1.checked.html" dom="$tmp/$1.dom.html" log="$tmp/$1.browser.log"
  [ -s "$tmp/$name.html" ] || { fail "$name: no page was written"; return; }
  awk -v kind="$name" -v checks="$checks_js" '
    /^<\/body>/ && !done {
      print "<script>window.AIPROF_CHECK = \"" kind "\";</script>"
      print "<script>"
      while ((getline line < checks) > 0) print line
      print "</script>"
      done = 1
    }
    { print }' "$tmp/$name.html" >"$page"
  browser "$log" --window-size=1400,1000 --dump-dom "file://$page" >"$dom"
  local status=$?
  if [ $status -ne 0 ] || [ ! -s "$dom" ]; then
    fail "$name: chromium exited $status with no page"
    grep -v 'dbus\|D-Bus' "$log" | tail -n 5 | sed 's/^/    /'
    return
  fi
  grep -q '<html[^>]* data-rendered="yes"' "$dom" || fail "$name: the report did not finish rendering"
  if grep -q 'data-errors=' "$dom"; then
    fail "$name: the page reported script errors:"
    sed -n '/id="aiprof-errors"/,/<\/ul>/p' "$dom" | sed 's/^/    /'
  fi
  if grep -q 'CONSOLE' "$log"; then
    fail "$name: the browser console was not quiet:"
    grep 'CONSOLE' "$log" | sed 's/^/    /'
  fi
  local results
  results=$(sed -n '/<pre id="browser-test-results">/,/<\/pre>/p' "$dom" |
    sed 's/<pre id="browser-test-results">//; s/<\/pre>.*//')
  if ! grep -q '^DONE [0-9]* checks$' <<<"$results"; then
    fail "$name: the checks did not finish"
    return
  fi
  local passed failed
  passed=$(grep -c '^PASS ' <<<"$results")
  failed=$(grep -c '^FAIL ' <<<"$results")
  echo "$name: $passed checks passed, $failed failed"
  if [ "$failed" -ne 0 ]; then
    grep '^FAIL ' <<<"$results" | sed "s/^/    $name: /"
    failures=$((failures + failed))
  fi
}

for name in demo hybrid hostile empty wide; do
  check_page "$name"
done
if [ -n "$screenshot_dir" ]; then
  for name in demo hybrid; do
    screenshot "$name"
  done
fi

echo "html browser test: $failures failures"
[ "$failures" -eq 0 ]
