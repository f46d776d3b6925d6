/**
 * The literature note LitNotes writes for a paper when the user has no template of their own.
 * A Mustache template (see noteTemplate.ts for the fields). Plain fields (`{{title}}`) are
 * already Markdown-neutralised; `{{yaml.*}}` fields are quoted for the YAML front matter.
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

{{citation}}{{#authorsText}} — {{authorsText}}{{/authorsText}}{{#year}} ({{year}}){{/year}}{{#venue}}, *{{venue}}*{{/venue}}
{{#links}}
- [{{label}}]({{url}})
{{/links}}

## Summary

{{#abstract}}
> {{abstract}}

{{/abstract}}
## Key points

- 

## Notes

## Quotes
`;
