/**
 * Zotero's PDF annotations (annotation items: `annotationType`, `annotationText`,
 * `annotationComment`, `annotationColor`, `annotationPageLabel`, `annotationSortIndex`,
 * `parentItem` = the attachment) → what a note template shows. Zotero's text is untrusted like a
 * catalog's: every string is Markdown-neutralised, a colour is kept only as `#rrggbb`.
 */
import { markdownText, type AnnotationView } from './noteTemplate';

/** Zotero 7's annotation palette, by the names its menu uses. */
const COLOR_NAMES: Record<string, string> = {
  '#ffd400': 'yellow',
  '#ff6666': 'red',
  '#5fb236': 'green',
  '#2ea8e5': 'blue',
  '#a28ae5': 'purple',
  '#e56eee': 'magenta',
  '#f19837': 'orange',
  '#aaaaaa': 'gray',
};

const TYPES = new Set(['highlight', 'underline', 'note', 'text', 'image', 'ink']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The annotations in reading order (Zotero's sort index: page, then position), as template views. */
export function annotationViews(items: readonly Record<string, unknown>[]): AnnotationView[] {
  return items
    .filter((item) => (item.itemType === undefined || item.itemType === 'annotation') && !item.deleted)
    .map((item, i) => ({ item, i, sort: typeof item.annotationSortIndex === 'string' ? item.annotationSortIndex : '' }))
    .sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : a.i - b.i))
    .flatMap(({ item }) => {
      const type = typeof item.annotationType === 'string' && TYPES.has(item.annotationType) ? item.annotationType : 'highlight';
      const highlighted = text(item.annotationText);
      const comment = text(item.annotationComment);
      const isHighlight = type === 'highlight' || type === 'underline';
      // A highlight without text or a note without a comment says nothing a reader could use.
      if (isHighlight && !highlighted && !comment) return [];
      if ((type === 'note' || type === 'text') && !comment) return [];
      const view: AnnotationView = { type, isHighlight, isNote: type === 'note' || type === 'text', isImage: type === 'image' || type === 'ink' };
      if (highlighted) view.text = markdownText(highlighted);
      if (comment) view.comment = markdownText(comment);
      const page = text(item.annotationPageLabel);
      if (page) view.page = markdownText(page);
      const color = typeof item.annotationColor === 'string' && /^#[0-9a-f]{6}$/i.test(item.annotationColor) ? item.annotationColor.toLowerCase() : undefined;
      if (color) {
        view.color = color;
        if (COLOR_NAMES[color]) view.colorName = COLOR_NAMES[color];
      }
      return [view];
    });
}

/** The newest `dateModified` of the annotations (ISO text compares in time order), or undefined. */
export function newestAnnotation(items: readonly Record<string, unknown>[]): string | undefined {
  let newest: string | undefined;
  for (const item of items) {
    const date = item.dateModified;
    if (typeof date === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/.test(date) && (newest === undefined || date > newest)) newest = date;
  }
  return newest;
}
