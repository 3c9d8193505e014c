// labeling.html: the labelling game, after the INV authors' "Deep Reveal". One self-contained page (pictures inline,
// no server, no network) that shows one cluster at a time through its reveal masks (2, 4.5, 8, 13, 20, 30 % of the
// image), lets the player reveal more, guess the class among the model's class names and type what they see. An
// answer scores 10 x (6 - level) points, a right guess 30 more. Progress stays in the browser's local storage;
// the answers export as JSON and CSV label records (image, layer, cluster, text, level, guess), the input of
// `inx global`. Keys: R or Space reveals, 0-9 guess, T types, Enter answers, S skips.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "inx/io/file.hpp"
#include "inx/render/html.hpp"

INX_BEGIN_NAMESPACE
namespace render {

struct LabelCard {
  std::string image, layer;
  std::size_t cluster = 0;
  std::int64_t truth = 0;
  std::array<std::vector<unsigned char>, 6> reveals;  // PNG bytes, level 0 (2 %) to 5 (30 %)
};

namespace labeling_detail {
inline std::string base64(const std::vector<unsigned char>& b) {
  static constexpr char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string o;
  o.reserve((b.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < b.size(); i += 3) {
    const unsigned v = unsigned(b[i]) << 16 | (i + 1 < b.size() ? unsigned(b[i + 1]) << 8 : 0u) |
                       (i + 2 < b.size() ? unsigned(b[i + 2]) : 0u);
    o += t[v >> 18 & 63];
    o += t[v >> 12 & 63];
    o += i + 1 < b.size() ? t[v >> 6 & 63] : '=';
    o += i + 2 < b.size() ? t[v & 63] : '=';
  }
  return o;
}

// JSON for a <script> element: "</" cannot close it early.
inline std::string script_json(const nlohmann::json& j) {
  std::string s = j.dump();
  std::string o;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') o += "\\u003c";
    else o += s[i];
  }
  return o;
}

inline constexpr std::string_view page_style = R"(<style>
.game{display:grid;grid-template-columns:minmax(260px,360px) 1fr;gap:24px;align-items:start}
@media (max-width:760px){.game{grid-template-columns:1fr}}
#pic{width:100%;aspect-ratio:1;object-fit:contain;background:#000;border-radius:8px;display:block}
#pic.px{image-rendering:pixelated}
.levels{display:flex;gap:4px;margin:10px 0}.levels span{flex:1;height:8px;border-radius:4px;background:#e4e7ec}
.levels span.on{background:#d9480f}
button{font:inherit;padding:6px 14px;border:1px solid #c5cbd3;border-radius:6px;background:#fff;cursor:pointer}
button:hover{background:#f1f3f5}button.primary{background:#1f5fbf;border-color:#1f5fbf;color:#fff}
button.sel{background:#1d2430;color:#fff;border-color:#1d2430}
.classes{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0 14px}
.classes button{padding:4px 10px;font-size:14px}.classes kbd{opacity:.6;margin-right:4px}
#text{width:100%;font:inherit;padding:8px 10px;border:1px solid #c5cbd3;border-radius:6px}
.controls{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-top:12px}
.stat{font-size:22px;font-weight:700}.hint{color:#6b7482;font-size:13px}
#feedback{min-height:1.5em;margin-top:10px;font-weight:600}#feedback.right{color:#2b8a3e}#feedback.wrong{color:#a33b00}
#export{width:100%;height:120px;font:12px ui-monospace,monospace;margin-top:8px}
kbd{font:12px ui-monospace,monospace;border:1px solid #c5cbd3;border-bottom-width:2px;border-radius:4px;padding:0 4px;background:#f8f9fb}
</style>)";

inline constexpr std::string_view page_script = R"JS(
const D = JSON.parse(document.getElementById('data').textContent);
const KEY = 'inx-labeling:' + D.id;
const PCT = [2, 4.5, 8, 13, 20, 30];
let S = {i: 0, level: 0, guess: null, score: 0, answers: []};
try { const s = JSON.parse(localStorage.getItem(KEY)); if (s && Array.isArray(s.answers)) S = s; } catch (e) {}
const $ = id => document.getElementById(id);
function save() { try { localStorage.setItem(KEY, JSON.stringify(S)); } catch (e) {} }
function classes() {
  const box = $('classes');
  box.innerHTML = '';
  D.classes.forEach((name, k) => {
    const b = document.createElement('button');
    b.type = 'button'; b.dataset.k = k; b.id = 'guess-' + k;
    b.innerHTML = (k < 10 ? '<kbd>' + k + '</kbd>' : '') + name.replace(/[&<>"]/g, c => '&#' + c.charCodeAt(0) + ';');
    b.onclick = () => guess(k);
    box.appendChild(b);
  });
}
function show() {
  const done = S.i >= D.cards.length;
  $('play').hidden = done; $('done').hidden = !done;
  $('progress').textContent = Math.min(S.i + 1, D.cards.length) + ' / ' + D.cards.length;
  $('score').textContent = S.score;
  $('answered').textContent = S.answers.length;
  exportText();
  if (done) return;
  const c = D.cards[S.i];
  $('pic').src = c.reveals[S.level];
  $('pic').alt = 'cluster ' + (c.cluster + 1) + ' of layer ' + c.layer + ', ' + PCT[S.level] + ' % revealed';
  $('where').textContent = 'layer ' + c.layer + ' · cluster ' + (c.cluster + 1);
  $('shown').textContent = PCT[S.level] + ' % shown';
  document.querySelectorAll('.levels span').forEach((e, k) => e.classList.toggle('on', k <= S.level));
  $('reveal').disabled = S.level >= 5;
  $('worth').textContent = 10 * (6 - S.level);
  document.querySelectorAll('#classes button').forEach(b => b.classList.toggle('sel', Number(b.dataset.k) === S.guess));
}
function reveal() { if (S.i < D.cards.length && S.level < 5) { S.level++; save(); show(); } }
function guess(k) { if (k < D.classes.length) { S.guess = (S.guess === k ? null : k); save(); show(); } }
function next() { S.i++; S.level = 0; S.guess = null; $('text').value = ''; save(); show(); }
function answer() {
  if (S.i >= D.cards.length) return;
  const text = $('text').value.trim();
  if (!text) { $('feedback').className = 'wrong'; $('feedback').textContent = 'Type what you see first.'; $('text').focus(); return; }
  const c = D.cards[S.i];
  const right = S.guess === c.truth;
  const points = 10 * (6 - S.level) + (right ? 30 : 0);
  S.score += points;
  S.answers.push({image: c.image, layer: c.layer, cluster: c.cluster, text: text, level: S.level,
                  guess: S.guess === null ? null : S.guess});
  $('feedback').className = right ? 'right' : 'wrong';
  $('feedback').textContent = '+' + points + (S.guess === null ? '' : right ? ' · right guess' : ' · it was ' + D.classes[c.truth]);
  next();
}
function csvField(v) { const s = v === null || v === undefined ? '' : String(v); return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
function csv() {
  const cols = ['image', 'layer', 'cluster', 'text', 'level', 'guess'];
  return [cols.join(',')].concat(S.answers.map(a => cols.map(k => csvField(a[k])).join(','))).join('\n') + '\n';
}
function json() { return JSON.stringify({model: D.model, records: S.answers}, null, 1) + '\n'; }
function exportText() { $('export').value = json(); }
function download(name, text, type) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], {type: type}));
  a.download = name; document.body.appendChild(a); a.click(); a.remove();
}
$('reveal').onclick = reveal;
$('answer').onclick = answer;
$('skip').onclick = next;
$('json').onclick = () => download('labels.json', json(), 'application/json');
$('csv').onclick = () => download('labels.csv', csv(), 'text/csv');
$('reset').onclick = () => { if (confirm('Forget every answer on this page?')) { S = {i: 0, level: 0, guess: null, score: 0, answers: []}; save(); show(); } };
document.addEventListener('keydown', e => {
  if (e.target === $('text')) {
    if (e.key === 'Enter') { e.preventDefault(); answer(); }
    if (e.key === 'Escape') $('text').blur();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'r' || e.key === ' ') { e.preventDefault(); reveal(); }
  else if (/^[0-9]$/.test(e.key)) guess(Number(e.key));
  else if (e.key === 'Enter') { e.preventDefault(); answer(); }
  else if (e.key === 's') next();
  else if (e.key === 't') { e.preventDefault(); $('text').focus(); }
});
if (D.pixelated) $('pic').classList.add('px');
classes();
show();
)JS";
}  // namespace labeling_detail

inline void write_labeling_html(const std::filesystem::path& path, const std::string& model,
                                const std::vector<std::string>& class_names, const std::vector<LabelCard>& cards,
                                bool pixelated) {
  using namespace html_detail;
  using namespace labeling_detail;
  require<value_error>(!cards.empty(), "labeling page: no cluster to label (did the explanation keep no cluster?)");
  nlohmann::json d{{"model", model}, {"classes", class_names}, {"pixelated", pixelated}, {"cards", nlohmann::json::array()}};
  std::uint64_t id = 1469598103934665603ull;  // FNV-1a of the cards, so each page keeps its own progress
  for (const auto& c : cards) {
    nlohmann::json rv = nlohmann::json::array();
    for (const auto& png : c.reveals) rv.push_back("data:image/png;base64," + base64(png));
    d["cards"].push_back({{"image", c.image}, {"layer", c.layer}, {"cluster", c.cluster}, {"truth", c.truth},
                          {"reveals", rv}});
    for (char ch : c.image + "|" + c.layer + "|" + std::to_string(c.cluster) + ";") {
      id ^= static_cast<unsigned char>(ch);
      id *= 1099511628211ull;
    }
  }
  d["id"] = std::to_string(id);
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Label the maps: " +
                  escape(model) + "</title>\n";
  o += style;
  o += page_style;
  o += R"(
</head><body><main>
<header class="card"><h1>What does the network look at?</h1>
<p class="meta">Each picture shows only the pixels one group of feature maps attends to. Reveal as little as you can,
guess the class, and say in a few words what you see (a part, a shape, a texture). Fewer reveals score more; a
right guess adds 30. Keys: <kbd>R</kbd> or <kbd>Space</kbd> reveal, <kbd>0</kbd>-<kbd>9</kbd> guess, <kbd>T</kbd>
type, <kbd>Enter</kbd> answer, <kbd>S</kbd> skip.</p>
<div class="controls"><span>card <b id="progress"></b></span><span>score <span class="stat" id="score">0</span></span>
<span><b id="answered">0</b> answers</span></div></header>
<section class="card" id="play"><div class="game"><div>
<img id="pic" alt="">
<div class="levels"><span></span><span></span><span></span><span></span><span></span><span></span></div>
<div class="controls"><button type="button" id="reveal">Reveal more</button><span id="shown" class="hint"></span></div>
<p class="hint" id="where"></p></div>
<div><h3>Which class is it? <span class="hint">(optional)</span></h3><div class="classes" id="classes"></div>
<h3><label for="text">What do you see?</label></h3>
<input id="text" type="text" autocomplete="off" placeholder="e.g. heel, laces, round collar">
<div class="controls"><button type="button" class="primary" id="answer">Answer (worth <span id="worth"></span>)</button>
<button type="button" id="skip">Skip</button></div><div id="feedback"></div></div></div></section>
<section class="card" id="done" hidden><h2>All done, thank you!</h2><p>Export your answers and give the file to
<code>inx global --labels</code>.</p></section>
<section class="card"><h2>Your answers</h2><div class="controls"><button type="button" id="json">Export JSON</button>
<button type="button" id="csv">Export CSV</button><button type="button" id="reset">Start over</button></div>
<textarea id="export" readonly aria-label="answers as JSON"></textarea></section>
</main>
<script type="application/json" id="data">)";
  o += script_json(d);
  o += "</script>\n<script>";
  o += page_script;
  o += "</script>\n</body></html>\n";
  io::write_file(path, o);
}

}  // namespace render
INX_END_NAMESPACE
