// The page's styles.
// Edit it here: there is no build step; the text is served exactly as written.
extension WebPage {
    static let styles = #"""
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1d2330; --muted: #6b7385; --line: #e2e5eb;
  --call: #2d6cdf; --workflow: #7a4fd1; --transcript: #1f8a5b; --agent: #0f766e; --tool: #c2410c;
  --dtmf: #a21caf; --timer: #854d0e;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1rem; background: var(--ink); color: #fff; }
header h1 { font-size: 1.1rem; margin: 0; letter-spacing: .02em; }
nav { display: flex; gap: .25rem; }
.tab { background: transparent; color: #cfd5e2; border: 1px solid transparent; border-radius: 4px; padding: .2rem .7rem; cursor: pointer; }
.tab.active { color: #fff; border-color: #5b6478; }
.status { margin-left: auto; font-size: .8rem; padding: .1rem .5rem; border-radius: 999px; background: #5b6478; }
.status.online { background: #1f8a5b; }
.status.offline { background: #9f1239; }
#token-form input { width: 12rem; }
main { display: grid; grid-template-columns: minmax(18rem, 26rem) 1fr; gap: 1rem; padding: 1rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; min-width: 0; }
.panel h2 { font-size: .95rem; margin: .2rem 0 .6rem; }
.hidden { display: none !important; }
.count { color: var(--muted); font-weight: normal; }
.list { list-style: none; margin: 0 0 1rem; padding: 0; }
.list li { border: 1px solid var(--line); border-radius: 5px; padding: .45rem .6rem; margin-bottom: .4rem; cursor: pointer; }
.list li:hover, .list li.selected { border-color: var(--call); background: #f0f5ff; }
.list .who { font-weight: 600; overflow-wrap: anywhere; }
.list .meta { color: var(--muted); font-size: .8rem; }
.badge { display: inline-block; font-size: .72rem; padding: 0 .4rem; border-radius: 3px; background: #eef0f4; color: var(--ink); margin-right: .3rem; }
.badge.answered { background: #dcfce7; } .badge.ringing { background: #fef9c3; } .badge.held { background: #e0e7ff; }
.empty { color: var(--muted); }
#search-form { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: .8rem; }
#search-form label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
#results { width: 100%; border-collapse: collapse; font-size: .85rem; }
#results th, #results td { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid var(--line); }
#results tbody tr { cursor: pointer; }
#results tbody tr:hover { background: #f0f5ff; }
#search-panel:not(.hidden) + #detail { grid-column: 1 / -1; }
.summary { color: var(--muted); margin: 0 0 .6rem; }
.lanes, .timeline li { display: grid; grid-template-columns: 6.5rem repeat(5, minmax(0, 1fr)); gap: .5rem; }
.lanes { border-bottom: 2px solid var(--line); padding-bottom: .3rem; }
.lane-head { font-size: .72rem; text-transform: uppercase; color: var(--muted); letter-spacing: .05em; }
.timeline { list-style: none; margin: 0; padding: 0; position: relative; }
.timeline li { padding: .25rem 0; border-bottom: 1px dashed var(--line); }
.timeline .at { font-variant-numeric: tabular-nums; color: var(--muted); font-size: .8rem; }
.timeline .text { border-left: 3px solid var(--line); padding-left: .45rem; overflow-wrap: anywhere; }
.timeline .kind { display: block; font-size: .7rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.timeline li[data-lane="call"] .text { grid-column: 2; border-color: var(--call); }
.timeline li[data-lane="workflow"] .text { grid-column: 3; border-color: var(--workflow); }
.timeline li[data-lane="transcript"] .text { grid-column: 4; border-color: var(--transcript); }
.timeline li[data-lane="transcript"][data-speaker="agent"] .text { border-color: var(--agent); background: #f0fdfa; }
.timeline li[data-lane="tools"] .text { grid-column: 5; border-color: var(--tool); }
.timeline li[data-lane="dtmf"] .text { grid-column: 6; border-color: var(--dtmf); }
.timeline li.future .text { border-left-style: dotted; border-left-color: var(--timer); color: var(--timer); }
.timeline li.partial .text { font-style: italic; color: var(--muted); }
.timeline li.interrupted .text::after { content: " (interrupted)"; color: var(--muted); font-size: .8rem; }
footer { padding: 0 1rem 1rem; color: var(--muted); font-size: .8rem; }
footer a { color: var(--muted); }
@media (max-width: 800px) { main { grid-template-columns: 1fr; } }

"""#
}
