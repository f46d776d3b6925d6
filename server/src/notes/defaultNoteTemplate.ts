/**
 * The literature note LitNotes writes for a paper when the user has no template of their own.
 * A Mustache template (see noteTemplate.ts for the fields). Plain fields (`{{title}}`) are
 * already Markdown-neutralised; `{{yaml.*}}` fields are quoted for the YAML front matter.
 * `{{#generated}}…{{/generated}}` is the block "Update Literature Note" refreshes: what comes from
 * the catalog and Zotero goes there, what the user writes goes below.
 */
export const defaultNoteTemplate = `---
key: {{yaml.key}}
title: {{yaml.title}}
authors: {{yaml.authors}}
{{#year}}
year: {{yaml.year}}
{{/year}}
{{#doi}}
doi: {{yaml.doi}}
{{/doi}}
{{#url}}
url: {{yaml.url}}
{{/url}}
{{#arxiv}}
arxiv: {{yaml.arxiv}}
{{/arxiv}}
tags: {{yaml.keywords}}
created: {{yaml.date}}
---

# {{title}}

{{#generated}}
{{citation}}{{#authorsText}} — {{authorsText}}{{/authorsText}}{{#year}} ({{year}}){{/year}}{{#venue}}, *{{venue}}*{{/venue}}
{{#links}}
- [{{label}}]({{url}})
{{/links}}
{{#abstract}}

## Abstract

> {{abstract}}
{{/abstract}}
{{#hasAnnotations}}

## Annotations

{{#annotations}}
{{#isHighlight}}
- “{{text}}”{{#page}} (p. {{page}}){{/page}}{{#colorName}} · {{colorName}}{{/colorName}}
{{#comment}}
  - {{comment}}
{{/comment}}
{{/isHighlight}}
{{#isNote}}
- Note{{#page}} (p. {{page}}){{/page}}: {{comment}}
{{/isNote}}
{{#isImage}}
- Image{{#page}} (p. {{page}}){{/page}}{{#comment}}: {{comment}}{{/comment}}
{{/isImage}}
{{/annotations}}
{{/hasAnnotations}}
{{#hasZoteroNotes}}

## Zotero notes

{{#zoteroNotes}}
{{markdown}}

{{/zoteroNotes}}
{{/hasZoteroNotes}}
{{/generated}}

## Summary

## Key points

- 

## Notes

## Quotes
`;