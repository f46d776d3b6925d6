/**
 * A Zotero note (its HTML) → Markdown for the note block, with turndown. The HTML is untrusted:
 * links stay only when they are http(s), images become their alt text, raw HTML never reaches the
 * note (text that reads like a tag is escaped), and headings sit below the block's own `##`.
 */
import TurndownService from 'turndown';

/** What the rules read of an element (the service has no DOM types). */
interface ElementLike {
  nodeName: string;
  getAttribute(name: string): string | null;
}

let service: TurndownService | undefined;

function turndown(): TurndownService {
  if (service) return service;
  const t = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced', emDelimiter: '*' });
  t.remove(['script', 'style', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'select', 'textarea', 'noscript', 'template']);
  // Text that looks like HTML would be HTML in the note: `<` and `>` are escaped with the rest.
  const escape = t.escape.bind(t);
  t.escape = (text: string) => escape(text).replace(/[<>]/g, '\\$&');
  t.addRule('safeLinks', {
    filter: 'a',
    replacement: (content, node) => {
      const href = (node as unknown as ElementLike).getAttribute('href') ?? '';
      if (!/^https?:\/\/[^\s<>()]+$/i.test(href) || content.trim() === '') return content;
      return `[${content}](${href})`;
    },
  });
  t.addRule('imagesAsText', {
    filter: 'img',
    replacement: (_content, node) => {
      const alt = ((node as unknown as ElementLike).getAttribute('alt') ?? '').replace(/[\\[\]<>*_`]/g, '\\$&').trim();
      return alt ? `[image: ${alt}]` : '[image]';
    },
  });
  t.addRule('deeperHeadings', {
    filter: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
    replacement: (content, node) => {
      const level = Math.min(6, Number((node as unknown as ElementLike).nodeName.slice(1)) + 2);
      return `\n\n${'#'.repeat(level)} ${content.replace(/\n+/g, ' ').trim()}\n\n`;
    },
  });
  service = t;
  return t;
}

export function zoteroNoteToMarkdown(html: string): string {
  // Zotero wraps notes in `<div data-schema-version="…">`; turndown keeps its content.
  return turndown().turndown(html).replace(/\n{3,}/g, '\n\n').trim();
}
