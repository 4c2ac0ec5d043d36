// Counts the pages of a base64 PDF by its `/Type /Page` objects, in bounded steps.

/** Base64 characters decoded per step while scanning a PDF (1.5 MiB of data). */
const PDF_SCAN_CHARS = 2 * 1024 * 1024;
const PDF_PAGE_PATTERN = /\/Type\s*\/Page(?![A-Za-z])/g;
/** Characters carried between steps so a marker split by a step boundary is still seen. */
const PDF_SCAN_OVERLAP = 32;

/** Counts `/Type /Page` objects in a base64 PDF, or undefined when none is visible. */
export function pdfPageCount(base64: string): number | undefined {
  let pages = 0;
  let tail = "";
  for (let start = 0; start < base64.length; start += PDF_SCAN_CHARS) {
    let binary: string;
    try {
      binary = tail + atob(base64.slice(start, start + PDF_SCAN_CHARS));
    } catch {
      return undefined;
    }
    for (const match of binary.matchAll(PDF_PAGE_PATTERN)) {
      if (match.index + match[0].length > tail.length) pages++;
    }
    tail = binary.slice(-PDF_SCAN_OVERLAP);
  }
  return pages > 0 ? pages : undefined;
}
