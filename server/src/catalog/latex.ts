/**
 * LaTeX → Unicode display text, for catalog fields: accents, special letters, escapes, text
 * commands, Greek letters and simple math, siunitx/chemformula macros common in real catalogs.
 * One linear pass; a value without any LaTeX (the common case) only has its white space collapsed.
 */

const ACCENTS: Record<string, string> = {
  '"': '\u0308', "'": '\u0301', '`': '\u0300', '^': '\u0302', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  c: '\u0327', v: '\u030c', u: '\u0306', H: '\u030b', r: '\u030a', k: '\u0328', d: '\u0323', b: '\u0331', t: '\u0361',
};

const SYMBOLS: Record<string, string> = {
  ss: 'ß', o: 'ø', O: 'Ø', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', aa: 'å', AA: 'Å', l: 'ł', L: 'Ł', i: 'ı', j: 'ȷ',
  dh: 'ð', DH: 'Ð', th: 'þ', TH: 'Þ', ng: 'ŋ', NG: 'Ŋ', dj: 'đ', DJ: 'Đ',
  textendash: '–', textemdash: '—', ldots: '…', dots: '…', textellipsis: '…', textregistered: '®', texttrademark: '™',
  copyright: '©', textcopyright: '©', pm: '±', mp: '∓', times: '×', div: '÷', textdegree: '°', degree: '°', deg: '°',
  infty: '∞', approx: '≈', sim: '∼', simeq: '≃', le: '≤', leq: '≤', ge: '≥', geq: '≥', neq: '≠', ne: '≠',
  rightarrow: '→', to: '→', leftarrow: '←', leftrightarrow: '↔', Rightarrow: '⇒', cdot: '·', circ: '∘', prime: '′',
  hbar: 'ħ', ell: 'ℓ', partial: '∂', nabla: '∇', sum: '∑', prod: '∏', int: '∫', sqrt: '√', propto: '∝', perp: '⊥',
  parallel: '∥', textbackslash: '\\', textasciitilde: '~', textasciicircum: '^', textunderscore: '_', textbar: '|',
  textless: '<', textgreater: '>', textquoteleft: '‘', textquoteright: '’', textquotedblleft: '“', textquotedblright: '”',
  S: '§', P: '¶', dag: '†', ddag: '‡', textbullet: '•', textperthousand: '‰', euro: '€', pounds: '£', textsterling: '£',
  quad: ' ', qquad: ' ', space: ' ', newline: ' ', par: ' ', noindent: '', relax: '', protect: '', xspace: '', '/': '',
  LaTeX: 'LaTeX', TeX: 'TeX', BibTeX: 'BibTeX', textmu: 'µ', micro: 'µ', ohm: 'Ω', angstrom: 'Å', AA_: 'Å',
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ',
  vartheta: 'ϑ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', varpi: 'ϖ', rho: 'ρ',
  varrho: 'ϱ', sigma: 'σ', varsigma: 'ς', tau: 'τ', upsilon: 'υ', phi: 'ϕ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Upsilon: 'Υ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  upalpha: 'α', upbeta: 'β', upgamma: 'γ', updelta: 'δ', upmu: 'μ', uppi: 'π', upsigma: 'σ', uptau: 'τ', upomega: 'ω',
};

/** Commands whose one argument is the display text (`\emph{x}` → x). */
const TEXT_COMMANDS = new Set([
  'textit', 'emph', 'textbf', 'textrm', 'textsf', 'texttt', 'textsc', 'textup', 'textnormal', 'textsl', 'textmd',
  'mathrm', 'mathit', 'mathbf', 'mathsf', 'mathtt', 'mathcal', 'mathbb', 'mathfrak', 'mathscr', 'boldsymbol', 'bm',
  'ensuremath', 'text', 'mbox', 'hbox', 'url', 'ch', 'ce', 'uppercase', 'lowercase', 'MakeUppercase', 'MakeLowercase',
  'NoCaseChange', 'enquote', 'textit', 'underline', 'uline', 'operatorname', 'isotope', 'nuclide', 'chem', 'texorpdfstring',
  'mathup', 'textbfit', 'acs', 'acrshort', 'acrlong', 'gls', 'emph', 'hl', 'footnotesize', 'small', 'large',
]);
/** Font switches written as `{\em x}`: dropped, their text stays. */
const SWITCHES = new Set(['em', 'it', 'bf', 'rm', 'sf', 'tt', 'sc', 'sl', 'normalfont', 'bfseries', 'itshape', 'scshape', 'upshape', 'mdseries', 'selectfont', 'centering']);

const UNITS: Record<string, string> = {
  kelvin: 'K', tesla: 'T', gauss: 'G', volt: 'V', electronvolt: 'eV', eV: 'eV', second: 's', meter: 'm', metre: 'm',
  gram: 'g', kilogram: 'kg', hertz: 'Hz', ampere: 'A', watt: 'W', joule: 'J', pascal: 'Pa', bar: 'bar', mole: 'mol',
  molar: 'M', liter: 'L', litre: 'L', celsius: '°C', degreeCelsius: '°C', percent: '%', angstrom: 'Å', ohm: 'Ω',
  siemens: 'S', coulomb: 'C', farad: 'F', henry: 'H', newton: 'N', minute: 'min', hour: 'h', day: 'd', barn: 'b',
  tera: 'T', giga: 'G', mega: 'M', kilo: 'k', centi: 'c', milli: 'm', micro: 'µ', nano: 'n', pico: 'p', femto: 'f',
  per: '/', square: '', cubic: '', squared: '²', cubed: '³', degree: '°', radian: 'rad', atomicmassunit: 'u', dalton: 'Da',
};

const SUPERSCRIPTS: Record<string, string> = {
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
  '+': '⁺', '-': '⁻', '−': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', n: 'ⁿ', i: 'ⁱ', '*': '*', '′': '′',
};
const SUBSCRIPTS: Record<string, string> = {
  '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉',
  '+': '₊', '-': '₋', '=': '₌', '(': '₍', ')': '₎', a: 'ₐ', e: 'ₑ', o: 'ₒ', x: 'ₓ', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', n: 'ₙ', p: 'ₚ', s: 'ₛ', t: 'ₜ',
};

const NEEDS_DECODING = /[\\{}$~]|--|``|''/;

export function latexToUnicode(text: string): string {
  if (!NEEDS_DECODING.test(text)) return collapseWhitespace(text);
  return collapseWhitespace(new LatexDecoder(text).decode(0, text.length, false).normalize('NFC'));
}

function collapseWhitespace(text: string): string {
  // Ordinary white space only: `~` became a no-break space on purpose.
  return text.replace(/[ \t\n\r\f\v]+/g, ' ').replace(/^ | $/g, '');
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function mapScript(text: string, table: Record<string, string>): string | undefined {
  let out = '';
  for (const ch of text) {
    const mapped = table[ch];
    if (mapped === undefined) return undefined;
    out += mapped;
  }
  return out;
}

class LatexDecoder {
  constructor(private readonly s: string) {}

  /** Decodes s[from, to); `math` is true inside `$...$`. */
  decode(from: number, to: number, math: boolean): string {
    const s = this.s;
    let out = '';
    let i = from;
    while (i < to) {
      const ch = s[i];
      if (ch === '\\') {
        const [text, next] = this.command(i, to, math);
        out += text;
        i = next;
      } else if (ch === '{') {
        const end = this.groupEnd(i, to);
        out += this.decode(i + 1, end, math);
        i = Math.min(end + 1, to);
      } else if (ch === '}') {
        i++;
      } else if (ch === '$') {
        if (math) {
          i++;
          continue;
        }
        const close = s.indexOf('$', i + 1);
        if (close < 0 || close >= to) {
          i++;
          continue;
        }
        out += this.decode(i + 1, close, true);
        i = close + 1;
      } else if (ch === '~') {
        out += '\u00a0';
        i++;
      } else if (ch === '-' && s[i + 1] === '-') {
        if (s[i + 2] === '-') {
          out += '—';
          i += 3;
        } else {
          out += '–';
          i += 2;
        }
      } else if (ch === '`' && s[i + 1] === '`') {
        out += '“';
        i += 2;
      } else if (ch === "'" && s[i + 1] === "'") {
        out += '”';
        i += 2;
      } else if (math && (ch === '^' || ch === '_') && i + 1 < to) {
        const [argument, next] = this.argument(i + 1, to, math);
        const mapped = mapScript(argument, ch === '^' ? SUPERSCRIPTS : SUBSCRIPTS);
        out += mapped ?? (ch === '^' ? `^${argument}` : `_${argument}`);
        i = next;
      } else {
        out += ch;
        i++;
      }
    }
    return out;
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
    if (this.s[i] === '{') {
      const end = this.groupEnd(i, to);
      return [this.decode(i + 1, end, math), Math.min(end + 1, to)];
    }
    if (this.s[i] === '\\') return this.command(i, to, math);
    return [this.s[i], i + 1];
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
    }
    const accent = ACCENTS[name];
    if (accent !== undefined && !(name.length > 1)) {
      const [base, next] = this.argument(i, to, math);
      if (!base) return ['', next];
      // An accent on a dotless i/j is the ordinary accented letter (\'{\i} → í).
      const letter = base[0] === 'ı' ? 'i' : base[0] === 'ȷ' ? 'j' : base[0];
      return [letter + accent + base.slice(1), next];
    }
    if (SYMBOLS[name] !== undefined) {
      // A control word eats the spaces after it (`\ss e` → ße), as TeX does; `{}` ends it too.
      while (i < to && s[i] === ' ') i++;
      if (s[i] === '{' && s[i + 1] === '}') i += 2;
      return [SYMBOLS[name], i];
    }
    if (SWITCHES.has(name)) return ['', i];
    if (name === 'url') {
      const [url, next] = this.rawArgument(i, to);
      return [url.replace(/\\([%#_&~])/g, '$1'), next];
    }
    // Chemical formulas read sub/superscripts as math does: \ch{^{8}Li} → ⁸Li.
    if (name === 'ch' || name === 'ce' || name === 'isotope') return this.argument(i, to, true);
    if (name === 'href') {
      const [, afterUrl] = this.rawArgument(i, to);
      return this.argument(afterUrl, to, math);
    }
    if (name === 'textsuperscript' || name === 'textsubscript') {
      const [argument, next] = this.argument(i, to, math);
      return [mapScript(argument, name === 'textsuperscript' ? SUPERSCRIPTS : SUBSCRIPTS) ?? argument, next];
    }
    if (name === 'SI' || name === 'qty') {
      const [value, afterValue] = this.argument(i, to, math);
      const [unit, next] = this.unitArgument(afterValue, to);
      return [`${value}\u00a0${unit}`, next];
    }
    if (name === 'si' || name === 'unit') return this.unitArgument(i, to);
    if (name === 'num') return this.argument(i, to, math);
    if (UNITS[name] !== undefined) return [UNITS[name], i];
    if (TEXT_COMMANDS.has(name) || s[i] === '{') {
      // Known text commands and unknown commands with an argument: keep the argument's text.
      return s[i] === '{' || TEXT_COMMANDS.has(name) ? this.argument(i, to, math) : ['', i];
    }
    // An unknown command without argument carries no text we can show.
    return ['', i];
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
