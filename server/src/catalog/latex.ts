/**
 * LaTeX → Unicode display text, for catalog fields: accents, special letters, escapes, text
 * commands, Greek letters and simple math, siunitx/chemformula macros common in real catalogs.
 * One linear pass; a value without any LaTeX (the common case) only has its white space collapsed.
 */

/** A table of names from catalog text: no `toString` or `constructor` comes from Object's prototype. */
function lookup(entries: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, entries);
}

/** Text accents (the set Pandoc's LaTeX reader knows), as combining marks over their argument. */
const ACCENTS: Record<string, string> = lookup({
  '"': '\u0308', "'": '\u0301', '`': '\u0300', '^': '\u0302', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  c: '\u0327', v: '\u030c', u: '\u0306', H: '\u030b', r: '\u030a', k: '\u0328', d: '\u0323', b: '\u0331', t: '\u0361',
  G: '\u030f', h: '\u0309', f: '\u0311', U: '\u030e', newtie: '\u0311', textogonekcentered: '\u0328',
  textcommabelow: '\u0326', textcircled: '\u20dd',
});
/** An accent over nothing (`\~{}`, as in `\~{}user` in a URL) is the accent character itself. */
const BARE_ACCENTS: Record<string, string> = lookup({ '~': '~', '^': '^', '`': '`', "'": "'" });

const SYMBOLS: Record<string, string> = lookup({
  ss: 'ß', o: 'ø', O: 'Ø', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', aa: 'å', AA: 'Å', l: 'ł', L: 'Ł', i: 'ı', j: 'ȷ',
  dh: 'ð', DH: 'Ð', th: 'þ', TH: 'Þ', ng: 'ŋ', NG: 'Ŋ', dj: 'đ', DJ: 'Đ',
  textendash: '–', textemdash: '—', ldots: '…', dots: '…', textellipsis: '…', textregistered: '®', texttrademark: '™',
  copyright: '©', textcopyright: '©', pm: '±', mp: '∓', times: '×', div: '÷', textdegree: '°', degree: '°',
  infty: '∞', approx: '≈', sim: '∼', simeq: '≃', le: '≤', leq: '≤', ge: '≥', geq: '≥', neq: '≠', ne: '≠',
  rightarrow: '→', to: '→', leftarrow: '←', leftrightarrow: '↔', Rightarrow: '⇒', cdot: '·', circ: '∘', prime: '′',
  hbar: 'ħ', ell: 'ℓ', partial: '∂', nabla: '∇', sum: '∑', prod: '∏', int: '∫', sqrt: '√', propto: '∝', perp: '⊥',
  parallel: '∥', textbackslash: '\\', textasciitilde: '~', textasciicircum: '^', textunderscore: '_', textbar: '|',
  textless: '<', textgreater: '>', textquoteleft: '‘', textquoteright: '’', textquotedblleft: '“', textquotedblright: '”',
  S: '§', P: '¶', dag: '†', ddag: '‡', textbullet: '•', textperthousand: '‰', euro: '€', pounds: '£', textsterling: '£',
  quad: ' ', qquad: ' ', space: ' ', newline: ' ', par: ' ', noindent: '', relax: '', protect: '', xspace: '', '/': '',
  slash: '/', textslash: '/', SS: 'SS', ij: 'ĳ', IJ: 'Ĳ', textdollar: '$', quotedblbase: '„', quotesinglbase: '‚',
  textasteriskcentered: '*', textvisiblespace: '␣', newblock: ' ', linebreak: ' ', break: ' ', hfill: ' ', hfil: ' ',
  smallskip: ' ', medskip: ' ', bigskip: ' ', medspace: ' ', thickspace: ' ', negthinspace: '', negmedspace: '',
  negthickspace: '', nobreak: '', allowbreak: '', hyphenation: '', unskip: '',
  LaTeX: 'LaTeX', TeX: 'TeX', BibTeX: 'BibTeX', textmu: 'µ', micro: 'µ', ohm: 'Ω', angstrom: 'Å',
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ',
  vartheta: 'ϑ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', varpi: 'ϖ', rho: 'ρ',
  varrho: 'ϱ', sigma: 'σ', varsigma: 'ς', tau: 'τ', upsilon: 'υ', phi: 'ϕ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Upsilon: 'Υ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  upalpha: 'α', upbeta: 'β', upgamma: 'γ', updelta: 'δ', upmu: 'μ', uppi: 'π', upsigma: 'σ', uptau: 'τ', upomega: 'ω',
  // Capitals that look Latin have no command in LaTeX, but exporters write them anyway (\Beta, \Mu).
  Alpha: 'Α', Beta: 'Β', Epsilon: 'Ε', Zeta: 'Ζ', Eta: 'Η', Iota: 'Ι', Kappa: 'Κ', Mu: 'Μ', Nu: 'Ν', Omicron: 'Ο',
  Rho: 'Ρ', Tau: 'Τ', Chi: 'Χ', omicron: 'ο', digamma: 'ϝ',
  thinspace: ' ', enspace: ' ', enskip: ' ', nobreakspace: '\u00a0', backslash: '\\', textpm: '±', texttimes: '×',
  textdiv: '÷', textminus: '−', textonehalf: '½', textonequarter: '¼', textthreequarters: '¾', textonesuperior: '¹',
  texttwosuperior: '²', textthreesuperior: '³', textlangle: '⟨', textrangle: '⟩', langle: '⟨', rangle: '⟩',
  textsurd: '√', textperiodcentered: '·', textbrokenbar: '¦', textasciiacute: '´', textasciigrave: '`',
  textasciidieresis: '¨', textexclamdown: '¡', textquestiondown: '¿', guillemotleft: '«', guillemotright: '»',
  guillemetleft: '«', guillemetright: '»', textsection: '§', textparagraph: '¶', textdagger: '†', textdaggerdbl: '‡',
  textordfeminine: 'ª', textordmasculine: 'º', textquotesingle: "'", textquotedbl: '"', textcent: '¢', textyen: '¥',
  texteuro: '€', textnumero: '№', textcelsius: '℃', textohm: 'Ω', textmho: '℧', textestimated: '℮', textlnot: '¬',
  cdots: '⋯', vdots: '⋮', ddots: '⋱', lbrace: '{', rbrace: '}', textbraceleft: '{', textbraceright: '}',
  longrightarrow: '⟶', longleftarrow: '⟵', uparrow: '↑', downarrow: '↓', Leftarrow: '⇐', Leftrightarrow: '⇔',
  rightleftharpoons: '⇌', mapsto: '↦', in: '∈', notin: '∉', ni: '∋', subset: '⊂', subseteq: '⊆', supset: '⊃',
  supseteq: '⊇', cup: '∪', cap: '∩', forall: '∀', exists: '∃', emptyset: '∅', varnothing: '∅', lesssim: '≲',
  gtrsim: '≳', ll: '≪', gg: '≫', equiv: '≡', cong: '≅', doteq: '≐', Re: 'ℜ', Im: 'ℑ', aleph: 'ℵ', wp: '℘',
  dagger: '†', ddagger: '‡', star: '⋆', ast: '∗', bullet: '•', oplus: '⊕', otimes: '⊗', odot: '⊙', wedge: '∧',
  vee: '∨', neg: '¬', lnot: '¬', setminus: '∖', mid: '∣', vert: '|', Vert: '‖', lvert: '|', rvert: '|', cdotp: '·',
  colon: ':', textcolon: ':', square: '□', Box: '□', triangle: '△', angle: '∠', hslash: 'ℏ',
});

/** Math operators set upright in text (`\log n` → "log n"): unlike symbols, they keep the space after them. */
const OPERATORS = new Set([
  'log', 'ln', 'lg', 'exp', 'sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'sinh', 'cosh', 'tanh', 'coth', 'arcsin', 'arccos',
  'arctan', 'max', 'min', 'sup', 'inf', 'lim', 'limsup', 'liminf', 'det', 'dim', 'ker', 'arg', 'deg', 'gcd', 'Pr', 'hom',
  'argmax', 'argmin', 'mod', 'bmod', 'pmod', 'tr', 'Tr', 'diag', 'sgn', 'erf',
]);

/** Accents of math mode (`$\hat{x}$` → x̂), as combining marks over their argument. */
const MATH_ACCENTS: Record<string, string> = lookup({
  hat: '\u0302', widehat: '\u0302', check: '\u030c', tilde: '\u0303', widetilde: '\u0303', bar: '\u0304',
  overline: '\u0305', vec: '\u20d7', dot: '\u0307', ddot: '\u0308', acute: '\u0301', grave: '\u0300', breve: '\u0306',
  mathring: '\u030a',
});

/** Commands whose one argument is the display text (`\emph{x}` → x). */
const TEXT_COMMANDS = new Set([
  'textit', 'emph', 'textbf', 'textrm', 'textsf', 'texttt', 'textsc', 'textup', 'textnormal', 'textsl', 'textmd',
  'mathrm', 'mathit', 'mathbf', 'mathsf', 'mathtt', 'mathcal', 'mathbb', 'mathfrak', 'mathscr', 'boldsymbol', 'bm',
  'ensuremath', 'text', 'mbox', 'hbox', 'uppercase', 'lowercase', 'MakeUppercase', 'MakeLowercase', 'NoCaseChange',
  'underline', 'uline', 'operatorname', 'nuclide', 'chem', 'texorpdfstring', 'mathup', 'textbfit', 'acs',
  'acrshort', 'acrlong', 'gls', 'hl', 'mathnormal', 'mathsfit', 'pmb',
]);
/**
 * Commands whose argument is only for sorting (`{\noopsort{hakim}}{al-Hakim}`, `{\noop{2017}}in
 * review`): a catalog's @preamble defines them to print nothing.
 */
const SORT_ONLY = new Set(['noopsort', 'noop', 'sortnoop', 'SortNoop', 'nooptilde']);
/** Spacing commands with a length argument (`\hspace{1em}`, `\hspace*{2cm}`): a space; the length is no text. */
const SPACES_WITH_LENGTH = new Set(['hspace', 'vspace', 'hphantom', 'phantom', 'kern', 'hskip', 'vskip']);
/** Environments whose content is math (`\begin{math}x^2\end{math}`); the others only group their content. */
const MATH_ENVIRONMENTS = new Set(['math', 'displaymath', 'equation', 'equation*', 'align', 'align*', 'eqnarray', 'eqnarray*', 'gather', 'gather*', 'multline', 'multline*']);
/** csquotes and biblatex quotation commands: “x”, and ‘x’ inside another quotation or starred. */
const QUOTE_COMMANDS = new Set(['enquote', 'mkbibquote', 'textquote', 'foreignquote', 'hyphenquote']);

/** Font switches written as `{\em x}`: dropped, their text stays. */
const SWITCHES = new Set(['em', 'it', 'bf', 'rm', 'sf', 'tt', 'sc', 'sl', 'normalfont', 'bfseries', 'itshape', 'scshape', 'upshape', 'mdseries', 'selectfont', 'centering']);

const UNITS: Record<string, string> = lookup({
  kelvin: 'K', tesla: 'T', gauss: 'G', volt: 'V', electronvolt: 'eV', eV: 'eV', second: 's', meter: 'm', metre: 'm',
  gram: 'g', kilogram: 'kg', hertz: 'Hz', ampere: 'A', watt: 'W', joule: 'J', pascal: 'Pa', bar: 'bar', mole: 'mol',
  molar: 'M', liter: 'L', litre: 'L', celsius: '°C', degreeCelsius: '°C', percent: '%', angstrom: 'Å', ohm: 'Ω',
  siemens: 'S', coulomb: 'C', farad: 'F', henry: 'H', newton: 'N', minute: 'min', hour: 'h', day: 'd', barn: 'b',
  tera: 'T', giga: 'G', mega: 'M', kilo: 'k', centi: 'c', milli: 'm', micro: 'µ', nano: 'n', pico: 'p', femto: 'f',
  per: '/', square: '', cubic: '', squared: '²', cubed: '³', degree: '°', radian: 'rad', atomicmassunit: 'u', dalton: 'Da',
});

/** Every character Unicode has a superscript form of (no q, no C F Q S X Y Z); `^\circ` is the degree sign. */
const SUPERSCRIPTS: Record<string, string> = lookup({
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
  '+': '⁺', '-': '⁻', '−': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', '*': '*', '′': '′', '∘': '°', '°': '°',
  a: 'ᵃ', b: 'ᵇ', c: 'ᶜ', d: 'ᵈ', e: 'ᵉ', f: 'ᶠ', g: 'ᵍ', h: 'ʰ', i: 'ⁱ', j: 'ʲ', k: 'ᵏ', l: 'ˡ', m: 'ᵐ', n: 'ⁿ',
  o: 'ᵒ', p: 'ᵖ', r: 'ʳ', s: 'ˢ', t: 'ᵗ', u: 'ᵘ', v: 'ᵛ', w: 'ʷ', x: 'ˣ', y: 'ʸ', z: 'ᶻ',
  A: 'ᴬ', B: 'ᴮ', D: 'ᴰ', E: 'ᴱ', G: 'ᴳ', H: 'ᴴ', I: 'ᴵ', J: 'ᴶ', K: 'ᴷ', L: 'ᴸ', M: 'ᴹ', N: 'ᴺ', O: 'ᴼ', P: 'ᴾ',
  R: 'ᴿ', T: 'ᵀ', U: 'ᵁ', V: 'ⱽ', W: 'ᵂ',
  α: 'ᵅ', β: 'ᵝ', γ: 'ᵞ', δ: 'ᵟ', ε: 'ᵋ', ϵ: 'ᵋ', θ: 'ᶿ', ι: 'ᶥ', ϕ: 'ᵠ', φ: 'ᵠ', χ: 'ᵡ',
});
/** Every character Unicode has a subscript form of. */
const SUBSCRIPTS: Record<string, string> = lookup({
  '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉',
  '+': '₊', '-': '₋', '−': '₋', '=': '₌', '(': '₍', ')': '₎',
  a: 'ₐ', e: 'ₑ', h: 'ₕ', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', l: 'ₗ', m: 'ₘ', n: 'ₙ', o: 'ₒ', p: 'ₚ', r: 'ᵣ', s: 'ₛ', t: 'ₜ',
  u: 'ᵤ', v: 'ᵥ', x: 'ₓ', β: 'ᵦ', γ: 'ᵧ', ρ: 'ᵨ', ϕ: 'ᵩ', φ: 'ᵩ', χ: 'ᵪ',
});

export function latexToUnicode(text: string): string {
  switch (scan(text)) {
    case Plain.Clean:
      return text;
    case Plain.Spaces:
      return collapseWhitespace(text);
    default: {
      const decoder = new LatexDecoder(text);
      const decoded = decoder.decode(0, text.length, false);
      // Accents are written as combining marks; composing them (o + ¨ → ö) is only needed then.
      return collapseWhitespace(decoder.combining ? decoded.normalize('NFC') : decoded);
    }
  }
}

const enum Plain {
  /** Nothing to change: the common case for most fields, returned without a copy. */
  Clean,
  /** Only white space to collapse. */
  Spaces,
  /** LaTeX to decode. */
  Latex,
}

/** One pass over char codes deciding how much work a value needs (no regex: this runs per field). */
function scan(text: string): Plain {
  let result = Plain.Clean;
  const n = text.length;
  if (n > 0 && (isBlank(text.charCodeAt(0)) || isBlank(text.charCodeAt(n - 1)))) result = Plain.Spaces;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ || c === 123 /* { */ || c === 125 /* } */ || c === 36 /* $ */ || c === 126 /* ~ */) return Plain.Latex;
    if ((c === 45 /* - */ || c === 96 /* ` */ || c === 39 /* ' */) && text.charCodeAt(i + 1) === c) return Plain.Latex;
    if (c <= 32 && isBlank(c) && (c !== 32 || isBlank(text.charCodeAt(i + 1)))) result = Plain.Spaces;
  }
  return result;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11;
}

/** A run of two or more blanks, or one blank other than a space: what collapsing replaces. */
const IRREGULAR_WHITESPACE = /[ \t\n\r\f\v]{2,}|[\t\n\r\f\v]/g;

/** Runs of ordinary white space become one space, none at the ends; `~` became a no-break space on purpose. */
function collapseWhitespace(text: string): string {
  // A native replace, not a loop over characters: abstracts are most of a catalog's text.
  const collapsed = text.replace(IRREGULAR_WHITESPACE, ' ');
  // Each run is one space now; trim() would also take the no-break spaces `~` made.
  const start = collapsed.charCodeAt(0) === 32 ? 1 : 0;
  const end = collapsed.length > start && collapsed.charCodeAt(collapsed.length - 1) === 32 ? collapsed.length - 1 : collapsed.length;
  return start === 0 && end === collapsed.length ? collapsed : collapsed.slice(start, end);
}

function isLetterOrDigit(code: number): boolean {
  return isLetter(code) || (code >= 48 && code <= 57);
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * `text` in Unicode sub/superscript characters, or undefined when one has none (then the text is
 * shown plain: `T_c` → Tc). A decimal point, comma or space stays as it is between mapped ones:
 * Li_{0.33} → Li₀.₃₃.
 */
function mapScript(text: string, table: Record<string, string>): string | undefined {
  let out = '';
  let mapped = false;
  for (const ch of text) {
    const script = table[ch];
    if (script !== undefined) {
      out += script;
      mapped = true;
    } else if (ch === '.' || ch === ',' || ch === ' ') out += ch;
    else return undefined;
  }
  return mapped ? out : undefined;
}

/**
 * A script Unicode has no characters for: a word or label reads plain (`T_c` → Tc, `T_{eff}` →
 * Teff), as it is written in plain text; an expression keeps its mark, in parentheses when longer
 * than one character (`e^{-x^\lambda}` → e^(-xλ), not "e-xλ").
 */
function unmappedScript(argument: string, mark: string): string {
  if (/^[\p{L}\p{N}]*$/u.test(argument)) return argument;
  return [...argument].length === 1 ? mark + argument : `${mark}(${argument})`;
}

/** A numerator or denominator of more than one term reads with parentheses: (a+b)/2. */
function fractionPart(text: string): string {
  return /[\s+\-−±·×/]/.test(text.trim()) ? `(${text.trim()})` : text;
}

const MAX_NESTING = 64;

/** Where `decode` has something to do: a command, a group, math, `~`, and `--`, ``` `` ``` or `''`. */
const SPECIAL_IN_TEXT = /[\\{}$~]|--|``|''/g;
/** In math, sub- and superscripts too. */
const SPECIAL_IN_MATH = /[\\{}$~^_']|--|``/g;

const PRIMES = ['′', '″', '‴'];

/** Relations and binary operators: TeX sets space on both sides of them between two operands. */
const SPACED_OPERATOR = /(\S) ?([=<>≤≥≠≈∼≃≅≡∝→←↔⇒⇐⇔↦∈∉⊂⊃⊆⊇≪≫≲≳×÷±∓⊗⊕·∪∩]) ?(?=\S)/gu;

/**
 * Spaces in math mean nothing to TeX, which spaces by what each symbol is; a control word also eats
 * the space after it. So `$Z \leq 10$` would read "Z ≤10" and `$\langle 110 \rangle$` "⟨110 ⟩":
 * an operator the source spaced on either side gets a space on both, brackets none inside them.
 */
function mathSpacing(text: string): string {
  const collapsed = text.replace(/[ \t\r\n]+/g, ' ');
  // `10$\,$K`: a math that is only a space stays one.
  if (collapsed === ' ') return collapsed;
  return collapsed
    .trim()
    .replace(/([([⟨⌈⌊]) /g, '$1')
    .replace(/ ([)\]⟩⌉⌋])/g, '$1')
    .replace(SPACED_OPERATOR, (whole: string, before: string, operator: string) => (whole.includes(' ') ? `${before} ${operator} ` : whole));
}

class LatexDecoder {
  /** Whether an accent was decoded as a combining mark. */
  combining = false;
  /** Closing delimiters known to be absent after some offset, so unclosed ones cost one search. */
  private readonly missing = new Map<string, number>();
  /** findWord's last answer per word: the first real occurrence at or after `from`. */
  private readonly foundWords = new Map<string, { from: number; at: number }>();
  /** Commands inside command arguments, to bound the recursion. */
  private nesting = 0;
  /** Quotations open around the text being decoded: the inner ones take single marks. */
  private quotes = 0;

  constructor(private readonly s: string) {}

  /** Decodes s[from, to); `math` is true inside `$...$`. */
  decode(from: number, to: number, math: boolean): string {
    const s = this.s;
    let out = '';
    // Plain text is copied as slices between the characters that mean something.
    let plain = from;
    let i = from;
    // The next character that may mean something is found natively: a loop over every character
    // here was a third of a big catalog's decoding time.
    const special = math ? SPECIAL_IN_MATH : SPECIAL_IN_TEXT;
    while (i < to) {
      special.lastIndex = i;
      const found = special.exec(s);
      if (found === null || found.index >= to) break;
      i = found.index;
      const c = s.charCodeAt(i);
      let text: string;
      let next: number;
      if (c === 92 /* \ */) {
        [text, next] = this.command(i, to, math);
      } else if (c === 123 /* { */ || c === 125 /* } */) {
        // Protective braces only group: dropping them keeps one linear pass.
        [text, next] = ['', i + 1];
      } else if (c === 36 /* $ */) {
        const close = math ? -1 : this.find('$', i + 1);
        if (close < 0 || close >= to) [text, next] = ['', i + 1];
        else [text, next] = [this.math(i + 1, close), close + 1];
      } else if (c === 126 /* ~ */) {
        [text, next] = ['\u00a0', i + 1];
      } else if (c === 45 /* - */ && s.charCodeAt(i + 1) === 45) {
        [text, next] = s.charCodeAt(i + 2) === 45 ? ['—', i + 3] : ['–', i + 2];
      } else if (c === 96 /* ` */ && s.charCodeAt(i + 1) === 96) {
        [text, next] = ['“', i + 2];
      } else if (math && c === 39 /* ' */) {
        // Primes: $f'$, $\chi''$.
        let end = i + 1;
        while (end < to && end - i < 3 && s.charCodeAt(end) === 39) end++;
        [text, next] = [PRIMES[end - i - 1], end];
      } else if (c === 39 /* ' */ && s.charCodeAt(i + 1) === 39) {
        [text, next] = ['”', i + 2];
      } else if (math && (c === 94 /* ^ */ || c === 95 /* _ */) && i + 1 < to) {
        const [argument, after] = this.argument(i + 1, to, math);
        [text, next] = [mapScript(argument, c === 94 ? SUPERSCRIPTS : SUBSCRIPTS) ?? unmappedScript(argument, c === 94 ? '^' : '_'), after];
      } else {
        i++;
        continue;
      }
      out += s.slice(plain, i) + text;
      i = plain = next;
    }
    return out + s.slice(plain, to);
  }

  /** Math s[from, to) as it reads set: spaced as TeX sets it, whatever spaces the source has. */
  private math(from: number, to: number): string {
    return mathSpacing(this.decode(from, to, true));
  }

  /** `s.indexOf(delimiter, from)`, remembering a failure: searches start ever later, so they fail too. */
  private find(delimiter: string, from: number): number {
    const missingAfter = this.missing.get(delimiter);
    if (missingAfter !== undefined && from >= missingAfter) return -1;
    const at = this.s.indexOf(delimiter, from);
    if (at < 0) this.missing.set(delimiter, from);
    return at;
  }

  /** The index of the `}` closing the group opened at `open`, or `to` if it is never closed. */
  groupEnd(open: number, to: number): number {
    let depth = 0;
    for (let i = open; i < to; i++) {
      const c = this.s.charCodeAt(i);
      if (c === 92 /* \ */) i++;
      else if (c === 123) depth++;
      else if (c === 125 && --depth === 0) return i;
    }
    return to;
  }

  /** One argument at `at`: a braced group, a command, or one character; decoded. */
  argument(at: number, to: number, math: boolean): [string, number] {
    let i = at;
    while (i < to && (this.s[i] === ' ' || this.s[i] === '\n' || this.s[i] === '\t')) i++;
    if (i >= to) return ['', to];
    if (this.nesting >= MAX_NESTING) {
      // Thousands of nested commands are not a title: show the rest as plain text, never overflow the stack.
      return [this.s.slice(i, to).replace(/\\[A-Za-z]*|[{}]/g, ''), to];
    }
    this.nesting++;
    try {
      if (this.s[i] === '{') {
        const end = this.groupEnd(i, to);
        return [this.decode(i + 1, end, math), Math.min(end + 1, to)];
      }
      if (this.s[i] === '\\') return this.command(i, to, math);
      return [this.s[i], i + 1];
    } finally {
      this.nesting--;
    }
  }

  command(at: number, to: number, math: boolean): [string, number] {
    const s = this.s;
    let i = at + 1;
    if (i >= to) return ['', to];
    let name: string;
    if (isLetter(s.charCodeAt(i))) {
      const start = i;
      while (i < to && isLetter(s.charCodeAt(i))) i++;
      name = s.slice(start, i);
    } else {
      name = s[i];
      i++;
      const escaped = '&%$#_{}\\ ,;:!'.includes(name);
      if (escaped && !(name in ACCENTS)) return [name === '\\' || name === ' ' || name === ',' || name === ';' || name === ':' ? ' ' : name === '!' ? '' : name, i];
      if (name === '(' || name === '[') {
        // LaTeX's own math delimiters \( x^2 \) and \[ ... \], read like $...$.
        const close = this.find(name === '(' ? '\\)' : '\\]', i);
        if (close < 0 || close >= to) return ['', i];
        return [this.math(i, close), close + 2];
      }
      if (name === ')' || name === ']') return ['', i];
    }
    const accent = ACCENTS[name];
    if (accent !== undefined) {
      const [base, next] = this.argument(i, to, math);
      if (!base) return [BARE_ACCENTS[name] ?? '', next];
      this.combining = true;
      // An accent on a dotless i/j is the ordinary accented letter (\'{\i} → í).
      const letter = base[0] === 'ı' ? 'i' : base[0] === 'ȷ' ? 'j' : base[0];
      return [letter + accent + base.slice(1), next];
    }
    const mathAccent = MATH_ACCENTS[name];
    if (mathAccent !== undefined) {
      const [base, next] = this.argument(i, to, math);
      // One letter takes the mark (x̂); a longer argument is shown as it is.
      if (base.length !== 1) return [base, next];
      this.combining = true;
      return [base + mathAccent, next];
    }
    if (name === 'ifmmode') return this.ifmmode(i, to, math);
    if (SYMBOLS[name] !== undefined) {
      // A control word eats the spaces after it (`\ss e` → ße), as TeX does; `{}` ends it too.
      while (i < to && s[i] === ' ') i++;
      if (s[i] === '{' && s[i + 1] === '}') i += 2;
      return [SYMBOLS[name], i];
    }
    // A starred form (`\hspace*{…}`, `\enquote*{…}`) reads as the plain one; `*` after a symbol is text.
    const starred = s[i] === '*' && s[i + 1] === '{';
    if (starred) i++;
    if (SORT_ONLY.has(name)) return ['', this.argument(i, to, math)[1]];
    if (SPACES_WITH_LENGTH.has(name)) return [' ', this.lengthEnd(i, to)];
    if (QUOTE_COMMANDS.has(name)) return this.quotation(name === 'textquote' ? this.skipOptions(this.skipOptions(i, to), to) : i, to, math, starred);
    if (name === 'begin' || name === 'end') {
      const [environment, afterName] = this.rawArgument(i, to);
      if (name === 'end' || !MATH_ENVIRONMENTS.has(environment)) return ['', afterName];
      const close = this.find(`\\end{${environment}}`, afterName);
      if (close < 0 || close >= to) return ['', afterName];
      return [this.math(afterName, close), close + environment.length + 6];
    }
    // `\log n` keeps its space, and `n\log n` gets one before: TeX sets thin spaces there.
    if (OPERATORS.has(name)) return [at > 0 && isLetterOrDigit(s.charCodeAt(at - 1)) ? ` ${name}` : name, i];
    if (SWITCHES.has(name)) return ['', i];
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac' || name === 'nicefrac' || name === 'sfrac') {
      const [numerator, afterNumerator] = this.argument(i, to, math);
      const [denominator, next] = this.argument(afterNumerator, to, math);
      return [`${fractionPart(numerator)}/${fractionPart(denominator)}`, next];
    }
    if (name === 'texorpdfstring') {
      // The first argument is what TeX typesets; the second a plain copy for PDF bookmarks.
      const [typeset, afterTypeset] = this.argument(i, to, math);
      return [typeset, this.argument(afterTypeset, to, math)[1]];
    }
    if (name === 'textcolor' || name === 'colorbox' || name === 'foreignlanguage' || name === 'hyperref' || name === 'xrightarrow' || name === 'xleftarrow') {
      // The first argument is a colour, a language, a target or the text over an arrow.
      const [first, afterFirst] = name === 'xrightarrow' || name === 'xleftarrow' ? this.argument(this.skipOptions(i, to), to, math) : this.rawArgument(this.skipOptions(i, to), to);
      if (name === 'xrightarrow' || name === 'xleftarrow') return [`${name === 'xrightarrow' ? '→' : '←'}${first}`, afterFirst];
      return this.argument(afterFirst, to, math);
    }
    if (name === 'url') {
      const [url, next] = this.rawArgument(i, to);
      return [url.replace(/\\([%#_&~])/g, '$1'), next];
    }
    if (name === 'ch' || name === 'ce') {
      // A formula reads ^ and _ as math does (\ch{^{8}Li} → ⁸Li), and counts after an element or
      // a group are subscripts (\ch{Li2CO3} → Li₂CO₃).
      const [formula, next] = this.argument(i, to, true);
      const counted = formula.replace(/(?<=[A-Za-z)\]])\d+/g, (digits) => mapScript(digits, SUBSCRIPTS) ?? digits);
      // A sign that ends a formula is its charge (\ch{Li+} → Li⁺); elsewhere it is a bond (Nb-Mo).
      return [counted.replace(/(?<=[A-Za-z)\]₀-₉])[+-](?=$|\s)/g, (sign) => (sign === '+' ? '⁺' : '⁻')), next];
    }
    if (name === 'isotope') return this.argument(i, to, true);
    if (name === 'href') {
      const [, afterUrl] = this.rawArgument(i, to);
      return this.argument(afterUrl, to, math);
    }
    if (name === 'textsuperscript' || name === 'textsubscript') {
      const [argument, next] = this.argument(i, to, math);
      return [mapScript(argument, name === 'textsuperscript' ? SUPERSCRIPTS : SUBSCRIPTS) ?? argument, next];
    }
    if (name === 'SI' || name === 'qty') {
      const [value, afterValue] = this.argument(this.skipOptions(i, to), to, math);
      const [unit, next] = this.unitArgument(afterValue, to);
      return [`${value}\u00a0${unit}`, next];
    }
    if (name === 'SIrange' || name === 'qtyrange' || name === 'numrange') {
      const [from, afterFrom] = this.argument(this.skipOptions(i, to), to, math);
      const [until, afterUntil] = this.argument(afterFrom, to, math);
      if (name === 'numrange') return [`${from}–${until}`, afterUntil];
      const [unit, next] = this.unitArgument(afterUntil, to);
      return [`${from}–${until}\u00a0${unit}`, next];
    }
    if (name === 'si' || name === 'unit') return this.unitArgument(this.skipOptions(i, to), to);
    if (name === 'num') return this.argument(this.skipOptions(i, to), to, math);
    if (name === 'ang') {
      const [angle, next] = this.argument(this.skipOptions(i, to), to, math);
      return [`${angle}°`, next];
    }
    if (UNITS[name] !== undefined) return [UNITS[name], i];
    // Known text commands and unknown commands with an argument: keep the argument's text.
    if (TEXT_COMMANDS.has(name) || s[i] === '{') return this.argument(i, to, math);
    // An unknown command without argument carries no text we can show.
    return ['', i];
  }

  /**
   * `\ifmmode A\else B\fi` (APS exports write accents so): B in text, A in math. Without its
   * `\fi` the command is dropped and the text after it stays.
   */
  ifmmode(at: number, to: number, math: boolean): [string, number] {
    const fi = this.findWord('\\fi', at, to);
    if (fi < 0) return ['', at];
    const otherwise = this.findWord('\\else', at, fi);
    const until = math && otherwise >= 0 ? otherwise : fi;
    let from = math ? at : otherwise < 0 ? fi : otherwise + 5;
    // Control words eat the spaces after them.
    while (from < until && this.s[from] === ' ') from++;
    let next = fi + 3;
    while (next < to && this.s[next] === ' ') next++;
    if (this.s[next] === '{' && this.s[next + 1] === '}') next += 2;
    return [this.decode(from, until, math), next];
  }

  /** The next control word `word` in [from, to) that is not the start of a longer one (`\fi`, not `\fill`), or -1. */
  private findWord(word: string, from: number, to: number): number {
    // The last answer holds for any later start before it: without it, `\ifmmode` after `\ifmmode`
    // would step over the same thousand `\fill`s again and again.
    const last = this.foundWords.get(word);
    let at: number;
    if (last && last.from <= from && (last.at < 0 || last.at >= from)) {
      at = last.at;
    } else {
      at = this.find(word, from);
      while (at >= 0 && isLetter(this.s.charCodeAt(at + word.length))) at = this.find(word, at + 1);
      this.foundWords.set(word, { from, at });
    }
    return at >= 0 && at < to ? at : -1;
  }

  /** “x”, or ‘x’ inside another quotation and for the starred form, as csquotes sets them. */
  quotation(at: number, to: number, math: boolean, starred: boolean): [string, number] {
    const inner = starred || this.quotes % 2 === 1;
    this.quotes++;
    try {
      const [quoted, next] = this.argument(at, to, math);
      return [inner ? `‘${quoted}’` : `“${quoted}”`, next];
    } finally {
      this.quotes--;
    }
  }

  /** After a length: `{1em}`, or TeX's `1.5em plus 1fil` after `\hskip`/`\kern`. */
  lengthEnd(at: number, to: number): number {
    let i = at;
    while (i < to && this.s[i] === ' ') i++;
    if (this.s[i] === '{') return this.rawArgument(i, to)[1];
    const length = /^-?\s*[\d.]+\s*(?:em|ex|pt|pc|in|bp|cm|mm|dd|cc|sp|mu|fil+)(?:\s+(?:plus|minus)\s+-?[\d.]+\s*(?:em|ex|pt|pc|in|bp|cm|mm|dd|cc|sp|mu|fil+))*/.exec(this.s.slice(i, Math.min(to, i + 80)));
    return length ? i + length[0].length : at;
  }

  /** Skips siunitx's `[options]` before the arguments. */
  skipOptions(at: number, to: number): number {
    let i = at;
    while (i < to && this.s[i] === ' ') i++;
    if (this.s[i] !== '[') return at;
    const close = this.find(']', i + 1);
    return close >= 0 && close < to ? close + 1 : at;
  }

  rawArgument(at: number, to: number): [string, number] {
    let i = at;
    while (i < to && this.s[i] === ' ') i++;
    if (this.s[i] !== '{') return ['', i];
    const end = this.groupEnd(i, to);
    return [this.s.slice(i + 1, end), Math.min(end + 1, to)];
  }

  /** A siunitx unit like `{\milli\kelvin\per\second}` → "mK/s". */
  unitArgument(at: number, to: number): [string, number] {
    const [raw, next] = this.rawArgument(at, to);
    const unit = raw.replace(/\\([A-Za-z]+)/g, (_, name: string) => UNITS[name] ?? name).replace(/[{}]/g, '').replace(/\s+/g, '');
    return [unit, next];
  }
}
