import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { latexToUnicode } from '../../server/src/catalog/latex';

function expectDecoded(cases: [string, string][]): void {
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.equal(latexToUnicode(input), expected));
}

describe('LaTeX to Unicode: accents in all their forms', () => {
  expectDecoded([
    ['{\\"o}', 'ö'],
    ['\\"{o}', 'ö'],
    ['\\"o', 'ö'],
    ['{\\"{O}}', 'Ö'],
    ["{\\'e}", 'é'],
    ["\\'{E}", 'É'],
    ['\\`a', 'à'],
    ['\\c{c}', 'ç'],
    ['{\\c C}', 'Ç'],
    ['\\v{s}', 'š'],
    ['\\v s', 'š'],
    ['\\~n', 'ñ'],
    ['\\^o', 'ô'],
    ['\\=a', 'ā'],
    ['\\.z', 'ż'],
    ['\\u{g}', 'ğ'],
    ['Erd\\H{o}s', 'Erdős'],
    ['\\r{a}', 'å'],
    ['\\k{a}', 'ą'],
    ['\\d{s}', 'ṣ'],
    ["\\'{\\i}", 'í'],
    ['\\"\\i', 'ï'],
    ['\\v{\\j}', 'ǰ'],
    ['Ryt\\"{\\i}', 'Rytï'],
    ['Ho\\v{z}ek {\\v{Z}}i\\v{z}ek', 'Hožek Žižek'],
  ]);
});

describe('LaTeX to Unicode: special letters and escapes', () => {
  expectDecoded([
    ['Stra\\ss{}e', 'Straße'],
    ['\\ss e', 'ße'],
    ['{\\o}', 'ø'],
    ['\\O', 'Ø'],
    ['\\ae{} \\AE', 'æ Æ'],
    ['\\oe', 'œ'],
    ['{\\aa}ngstr{\\"o}m \\AA', 'ångström Å'],
    ["{\\l}{\\'o}d{\\'z} \\L", 'łódź Ł'],
    ['pp. 1--10', 'pp. 1–10'],
    ['a---b', 'a—b'],
    ['\\& \\% \\$ \\# \\_ \\{ \\}', '& % $ # _ { }'],
    ['a~b', 'a\u00a0b'],
    ["``quoted''", '“quoted”'],
    ['\\textbackslash{}', '\\'],
  ]);
});

describe('LaTeX to Unicode: commands, math, units', () => {
  expectDecoded([
    ['\\emph{Hi} {\\em there}', 'Hi there'],
    ['\\textit{x} \\textbf{y} \\texttt{z} \\textsc{w}', 'x y z w'],
    ['$\\mathrm{d}x$', 'dx'],
    ['S\\textsuperscript{2}FT', 'S²FT'],
    ['H\\textsubscript{2}O', 'H₂O'],
    ['$x^2$ and $\\alpha_{1}$', 'x² and α₁'],
    ['$\\beta$-NMR, $\\Delta E$', 'β-NMR, ΔE'],
    // A label Unicode has no script characters for reads plain, as physicists write it in plain text.
    ['$T_{c}$ and $x^{n+1}$', 'Tc and xⁿ⁺¹'],
    ['$H_{c2}$', 'Hc2'],
    ['\\(L_1\\) and \\[ x^2 \\]', 'L₁ and x²'],
    ['$\\ell_1$-norm', 'ℓ₁-norm'],
    ['\\SI{1.2}{\\milli\\kelvin}', '1.2\u00a0mK'],
    ['\\SI{5}{\\kilo\\electronvolt}', '5\u00a0keV'],
    ['\\si{\\tesla}', 'T'],
    ['\\num{3e4}', '3e4'],
    ['\\ch{^{8}Li}', '⁸Li'],
    ['\\ch{Li^{+}} in \\ch{TiO2}', 'Li⁺ in TiO₂'],
    ['\\ch{Li_{0.33}TiS2}', 'Li₀.₃₃TiS₂'],
    ['\\href{http://x.org}{the text}', 'the text'],
    ['\\url{https://a.org/x_y\\%20}', 'https://a.org/x_y%20'],
    ['{{PEMF}-{VVTO}}', 'PEMF-VVTO'],
    ['\\unknowncommand{kept} \\dropped', 'kept'],
    ['{\\relax Th}e', 'The'],
  ]);
});

describe('LaTeX to Unicode: what real exports write (APS, Mendeley, siunitx, chemformula)', () => {
  expectDecoded([
    // APS: the text branch of \ifmmode, the math branch inside math; without \fi only the command goes.
    ['Milo\\ifmmode \\check{s}\\else \\v{s}\\fi{}evi\\ifmmode \\acute{c}\\else \\\'{c}\\fi{}', 'Milošević'],
    ['$\\ifmmode x\\else y\\fi$ and \\ifmmode x\\fi{} z', 'x and z'],
    ['a \\ifmmode b', 'a b'],
    ['300\\thinspace K, 5 $\\pm$ 1, 2\\texttimes{}3, \\textpm 4', '300 K, 5 ± 1, 2×3, ±4'],
    ['$\\langle 110\\rangle$ \\textonehalf{} m\\texttwosuperior{} \\Beta{} \\Mu', '⟨110⟩ ½ m² Β Μ'],
    ['{\\backslash}n \\textasciitilde{}', '\\n ~'],
    // Math accents combine with one letter; \bar is an accent here, not siunitx's unit "bar".
    ['$\\bar{x}$ $\\hat{H}$ $\\tilde{O}(n)$ $\\vec{v}$ $\\dot{q}$ $\\overline{AB}$', 'x̄ Ĥ Õ(n) v⃗ q̇ AB'],
    ['$\\frac{1}{2}$, $\\frac{a+b}{c}$, $\\tfrac12$', '1/2, (a+b)/c, 1/2'],
    ['$O(n\\log n)$ and $\\max_i x_i$', 'O(n log n) and maxᵢ xᵢ'],
    ['\\SIrange[range-units=single]{0.5}{30}{\\kilo\\electronvolt}', '0.5–30\u00a0keV'],
    ['\\SI[per-mode=symbol]{5}{\\meter\\per\\second} \\si[x]{\\bar} \\num[y]{42} \\ang{30} \\numrange{1}{2}', '5\u00a0m/s bar 42 30° 1–2'],
    ['\\ch{Li+} \\ch{^{8}Li+} \\ch{O2-} \\ch{Nb-Mo} \\ch{Fe^{3+}}', 'Li⁺ ⁸Li⁺ O₂⁻ Nb-Mo Fe³⁺'],
    ['\\texorpdfstring{$\\alpha$}{alpha}-decay \\textcolor{red}{hot} \\foreignlanguage{german}{Stra\\ss e}', 'α-decay hot Straße'],
    ['$^{67}$Cu $\\xrightarrow{\\beta^-}$ $^{67}$Zn', '⁶⁷Cu →β⁻ ⁶⁷Zn'],
  ]);
});

describe('LaTeX to Unicode: what Better BibTeX, biblatex and JabRef users write', () => {
  describe('\\slash and csquotes', () => {
    expectDecoded([
      ['Searching {AND}\\slash {OR} Graphs', 'Searching AND/OR Graphs'],
      ['{GaN}\\slash sapphire templates', 'GaN/sapphire templates'],
      ['input\\slash output', 'input/output'],
      ['The \\enquote{Attention} Trick', 'The “Attention” Trick'],
      ['\\mkbibquote{Sparse} Attention', '“Sparse” Attention'],
      ['\\enquote{a \\enquote{nested} quote}', '“a ‘nested’ quote”'],
      ['\\enquote*{single}', '‘single’'],
      ['\\textquote[][.]{Quoted}', '“Quoted”'],
    ]);
  });

  describe('spacing commands are a space, never their argument', () => {
    expectDecoded([
      ['Space\\hspace{1em}Quad', 'Space Quad'],
      ['A\\hspace*{2cm}B \\vspace{1ex}C', 'A B C'],
      ['A\\quad B\\qquad C', 'A B C'],
      ['A\\,B\\;C\\:D\\ E', 'A B C D E'],
      ['A~B', 'A\u00a0B'],
      ['A\\thinspace B\\enspace C\\medspace D\\thickspace E\\negthinspace F', 'A B C D EF'],
      ['A\\hskip 1em plus 2pt B\\kern-0.1em C', 'A B C'],
      ['A\\hfill B\\newblock C', 'A B C'],
      ['A\\phantom{xyz}B', 'A B'],
    ]);
  });

  describe('environments: their content only', () => {
    expectDecoded([
      ['\\begin{em}A\\end{em} title', 'A title'],
      ['\\begin{quote}Cited\\end{quote}', 'Cited'],
      ['\\begin{math}x^2\\end{math} growth', 'x² growth'],
      ['\\begin{equation*}a_i\\end{equation*}', 'aᵢ'],
      ['\\begin{em}unclosed', 'unclosed'],
    ]);
  });

  describe('math reads as TeX sets it: spaced by symbol, not by the spaces a control word ate; primes', () => {
    expectDecoded([
      // Titles from a real physics library; these read "Z ≤10", "⟨110 ⟩", "μSR ×2" and "χ” in niobium".
      ['ions with {$Z \\leq 10$} in silicon', 'ions with Z ≤ 10 in silicon'],
      ['a {$\\langle 110 \\rangle$} dumbbell', 'a ⟨110⟩ dumbbell'],
      ['using a {$\\mathrm{μSR} \\times 2$} method', 'using a μSR × 2 method'],
      ["admixture of {$χ'$} and {$χ''$} in niobium", 'admixture of χ′ and χ″ in niobium'],
      // Written without spaces, math stays without them; a math that is only a space stays one.
      ["$Z\\leq10$, $a\\cdot b$, $f'''(x)$, $( x )$", 'Z≤10, a·b, f‴(x), (x)'],
      ['10$\\,$K and $x \\to y$', '10 K and x → y'],
      // Outside math, '' is still a closing quote.
      ["``quoted''", '“quoted”'],
    ]);
  });

  describe('sub- and superscripts: Unicode where it has them, else plain', () => {
    expectDecoded([
      ['OCL$_h$ flows', 'OCLₕ flows'],
      ['10$^{2}$ cm$^{-3}$', '10² cm⁻³'],
      ['n\\textsuperscript{o} 5, 1\\textsuperscript{st}', 'nᵒ 5, 1ˢᵗ'],
      ['CO\\textsubscript{2} and H\\textsubscript{2}O', 'CO₂ and H₂O'],
      ['$x_{max}$ and $W^T$ and $\\alpha_\\beta$', 'xₘₐₓ and Wᵀ and αᵦ'],
      ['$25^\\circ$C', '25°C'],
      // Where Unicode has no characters: a label reads plain, an expression keeps its mark.
      ['$x^{q}$, $T_c$, $T_{eff}$, $H_{c2}$, \\textsuperscript{CQ}', 'xq, Tc, Teff, Hc2, CQ'],
      ['$e^{-x^\\lambda}$, $T_{1/2}$, YBa$_2$Cu$_3$O$_{7-\\delta}$, $a^\\star$', 'e^(-xλ), T_(1/2), YBa₂Cu₃O_(7-δ), a^⋆'],
    ]);
  });

  describe('sorting-only commands print nothing', () => {
    expectDecoded([
      ['{\\noopsort{hakim}}{al-Hakim}', 'al-Hakim'],
      ['{\\noopsort{1973c}}1981', '1981'],
      ['{\\noop{2017}}in review', 'in review'],
      ['{\\SortNoop{Ch}}{\\v{C}apek}', 'Čapek'],
      ['\\sortnoop{b}Beta', 'Beta'],
    ]);
  });

  describe('every text accent, braced or not, on dotless i and j', () => {
    expectDecoded([
      ["\\`a \\'a \\^a \\\"a \\~a \\=a \\.a", 'à á â ä ã ā ȧ'],
      ['\\u{a} \\v{c} \\H{o} \\c{c} \\d{a} \\b{b} \\k{a} \\r{a} \\t{oo}', 'ă č ő ç ạ ḇ ą å o͡o'],
      ['\\G{o} \\h{a} \\f{o} \\textcommabelow{s} \\textogonekcentered{e} \\newtie{o}', 'ȍ ả ȏ ș ę ȏ'],
      ['{\\"{o}} {\\"o} \\"{o} \\" o', 'ö ö ö ö'],
      // A control word eats the spaces after it, as in TeX: `\'\i x` is "íx"; `{}` ends it.
      ['\\"{\\i} \\\'\\i x \\^{\\j} \\v\\j', 'ï íx ĵ ǰ'],
      ['\\i{} \\j{} \\o{} \\O{} \\l{} \\L{} \\ss{} \\SS{} \\ae{} \\AE{} \\oe{} \\OE{} \\aa{} \\AA{} \\ij{} \\IJ', 'ı ȷ ø Ø ł Ł ß SS æ Æ œ Œ å Å ĳ Ĳ'],
      ['Ha\\ss e and \\AA{}ngstr\\"om', 'Haße and Ångström'],
      ['http://example.org/\\~{}user and \\^{}', 'http://example.org/~user and ^'],
    ]);
  });

  test('names from Object.prototype are not LaTeX commands', () => {
    assert.equal(latexToUnicode('\\toString x \\valueOf{y} \\constructor'), 'x y');
  });
});

describe('LaTeX to Unicode: robustness', () => {
  expectDecoded([
    ['  many\n  spaces\t', 'many spaces'],
    ['plain text stays', 'plain text stays'],
    ['unbalanced { brace', 'unbalanced brace'],
    ['closing } only', 'closing only'],
    ['trailing \\', 'trailing'],
    ['a lone $ sign', 'a lone sign'],
    ['\\"', ''],
    ['$', ''],
    ['{', ''],
    ['\\(', ''],
  ]);

  test('white space: every run of blanks is one space, none at the ends; `~` stays a no-break space', () => {
    const part = fc.constantFrom('a', 'Zé', ' ', '  ', '\t', '\n', '\r\n', '\f', '\v', '~', ' ~ ');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 16 }).map((parts) => parts.join('')), (raw) => {
        const expected = raw.replaceAll('~', '\u00a0').split(/[ \t\n\r\f\v]+/).filter(Boolean).join(' ');
        assert.equal(latexToUnicode(raw), expected);
      }),
      { numRuns: 2000 },
    );
  });

  test('plain text is returned as the same string (no copy)', () => {
    const text = 'Attention Is All You Need';
    assert.equal(latexToUnicode(text), text);
  });

  // Each of these is quadratic or overflows the stack in a naive decoder; they must finish and keep the text.
  test('deep nesting and unclosed delimiters stay linear and never overflow the stack', () => {
    assert.equal(latexToUnicode('{'.repeat(50_000) + 'x' + '}'.repeat(50_000)), 'x');
    assert.equal(latexToUnicode('\\emph{'.repeat(20_000) + 'x' + '}'.repeat(20_000)), 'x');
    assert.equal(latexToUnicode('\\( a '.repeat(20_000)), ('a '.repeat(20_000)).trim());
    assert.equal(latexToUnicode('$ b '.repeat(20_001)), Array(20_001).fill('b').join(' '));
    assert.equal(latexToUnicode('\\ifmmode a\\fill '.repeat(20_000)), 'a'.repeat(20_000).split('').join(' '));
    assert.equal(latexToUnicode('\\SI[ '.repeat(20_000)).replace(/\s/g, ''), '['.repeat(20_000));
  });
});
