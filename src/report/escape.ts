// Text to HTML: everything a study writes is escaped; only a tiny, safe subset of markdown is understood.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes the five HTML-significant characters (safe in text and in quoted attributes). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/** Inline markup on already-escaped text: `code`, **bold**, *italic*. No links (a report opens offline). */
function inline(escaped: string): string {
  return escaped
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\w)/g, '$1<em>$2</em>');
}

/**
 * Plain paragraphs from markdown-ish text: a blank line starts a new paragraph, a block whose lines all start
 * with "- " or "* " becomes a bullet list. All text is HTML-escaped first, so `<script>` shows as text.
 */
export function markdownToHtml(md: string): string {
  const blocks = md.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  return blocks
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((l) => /^\s*[-*]\s+/.test(l))) {
        const items = lines.map((l) => `<li>${inline(escapeHtml(l.replace(/^\s*[-*]\s+/, '')))}</li>`);
        return `<ul>${items.join('')}</ul>`;
      }
      return `<p>${inline(escapeHtml(lines.join(' ')))}</p>`;
    })
    .join('\n');
}
