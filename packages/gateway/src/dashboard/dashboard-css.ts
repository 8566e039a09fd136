// The dashboard's stylesheet, served from /dashboard/assets/dashboard.css. It lives in a module
// so that the bundled package carries it; no stylesheet is fetched from anywhere else.
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #fff; --panel: #f6f8fa;
  --line: #d0d7de; --accent: #0b5cad; --bad: #b42318; --warn: #9a6700; --ok: #1a7f37; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117;
  --panel: #161b22; --line: #30363d; --accent: #58a6ff; --bad: #ff7b72; --warn: #d29922; --ok: #3fb950; } }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem; }
.skip:focus { left: .5rem; z-index: 10; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .5rem 1rem;
  border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); }
.top nav { flex: 1 1 auto; min-width: 0; }
.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem .75rem; list-style: none; margin: 0; padding: 0; }
.top nav a { text-decoration: none; padding: .25rem .1rem; display: inline-block; }
.top nav a[aria-current="page"] { font-weight: 700; border-bottom: 2px solid var(--accent); }
main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
main:focus { outline: none; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
section { min-width: 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); }
.tiles { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 150px), 1fr));
  margin: 0 0 1rem; padding: 0; }
.tiles div { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
.tiles dt { color: var(--muted); font-size: .85rem; }
.tiles dd { margin: 0; font-size: 1.3rem; font-weight: 600; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 .5rem; min-width: 0; }
figure .chart { width: 100%; min-height: 40px; overflow: hidden; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
.table-wrap { overflow-x: auto; max-width: 100%; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .4rem .5rem; }
th, td { text-align: left; padding: .35rem .5rem; border-top: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--panel); white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
.muted { color: var(--muted); }
.error { color: var(--bad); }
.close-to-limit { color: var(--warn); font-weight: 600; }
.over-limit { color: var(--bad); font-weight: 600; }
.status-active, .status-ok { color: var(--ok); }
.status-disabled, .status-error { color: var(--bad); }
.status-retiring { color: var(--warn); }
meter { width: 8rem; max-width: 100%; }
form.inline { display: inline; }
form.card, .card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 1rem; }
form.card { display: grid; gap: .5rem; max-width: 40rem; }
.fields { display: grid; gap: .5rem 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 14rem), 1fr)); }
.fields label, form.card > label { display: grid; gap: .15rem; font-weight: 600; font-size: .9rem; }
input, select, button { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px;
  background: var(--bg); color: var(--fg); max-width: 100%; }
button { cursor: pointer; background: var(--panel); }
button.primary, form.card button[type="submit"] { background: var(--accent); color: #fff; border-color: var(--accent); justify-self: start; }
.range { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-bottom: 1rem; }
.range a { padding: .2rem .6rem; border: 1px solid var(--line); border-radius: 999px; text-decoration: none; }
.range a[aria-current="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.secret { display: block; padding: .75rem; background: var(--panel); border: 2px solid var(--warn); border-radius: 6px;
  overflow-wrap: anywhere; font-family: ui-monospace, monospace; }
.notice { padding: .75rem 1rem; border-left: 4px solid var(--accent); background: var(--panel); margin: 0 0 1rem; }
code { overflow-wrap: anywhere; }
.message { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin: .5rem 0; }
.message header { display: flex; flex-wrap: wrap; gap: .25rem 1rem; color: var(--muted); font-size: .85rem; }
.message-text { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 12rem; }
.message pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: .25rem 0 0; font: inherit; }
body.login main { max-width: 26rem; margin-top: 10vh; }
.uplot { font-family: inherit; }
.uplot .u-legend { font-size: .8rem; }
@media (max-width: 640px) {
  main { padding: .75rem; }
  .top { padding: .5rem .75rem; }
  th, td { padding: .3rem .35rem; }
}
`
