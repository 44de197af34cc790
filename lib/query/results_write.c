/* query/results_write.c - the result model written as a table (for
 * people), SPARQL 1.1 CSV and TSV, and SPARQL 1.1 results JSON; and the
 * few output helpers the network's writers share
 */
#include <stdlib.h>
#include <string.h>

#include <uniwidth.h>

#include "query/query.h"

/* ---- shared helpers ---- */
void
evpubp_put_json_string(evpubp_buf *b, const char *s, size_t n)
{
  evpubp_buf_addc(b, '"');
  evpubp_escape_json_string(b, s, n, 0);
  evpubp_buf_addc(b, '"');
}

size_t
evpubp_text_width(const char *s, size_t n)
{
  int w = u8_width((const uint8_t *)s, n, "UTF-8");
  return w < 0 ? n : (size_t)w;
}

void
evpubp_put_spaces(evpubp_buf *b, size_t n)
{
  while(n--)
    evpubp_buf_addc(b, ' ');
}

evpub_status
evpubp_buf_write(const evpubp_buf *b, FILE *out)
{
  if(b->failed)
    return EVPUB_E_NOMEM;
  if(b->len && fwrite(b->data, 1, b->len, out) != b->len)
    return EVPUB_E_IO;
  return EVPUB_OK;
}

/* ---- terms ---- */
static void
put_nt_term(evpubp_buf *b, const evpubp_term *t)
{
  switch(t->kind) {
  case EVPUBP_TERM_IRI: evpubp_put_iri_n(b, t->value, t->len); break;
  case EVPUBP_TERM_BLANK:
    evpubp_buf_adds(b, "_:");
    evpubp_buf_add(b, t->value, t->len);
    break;
  case EVPUBP_TERM_LITERAL:
    evpubp_put_literal(b, t->value, t->len, t->lang, t->dt, 0, evpubp_put_iri);
    break;
  case EVPUBP_TERM_UNBOUND: break;
  }
}

/* ---- CSV and TSV ---- */
/* SPARQL 1.1 CSV (RFC 4180 fields, plain values, CRLF) or TSV (terms in
 * N-Triples syntax, "?" before the names in the header, LF). */
static void
write_separated(const evpubp_result *r, evpubp_buf *b, int tsv)
{
  size_t i, j;
  const char sep = tsv ? '\t' : ',', *eol = tsv ? "\n" : "\r\n";
  if(r->form == EVPUBP_RESULT_BOOLEAN) {
    evpubp_buf_adds(b, r->boolean ? "true\n" : "false\n");
    return;
  }
  for(j = 0; j < r->nvars; j++) {
    if(j)
      evpubp_buf_addc(b, sep);
    if(tsv) {
      evpubp_buf_addc(b, '?');
      evpubp_buf_adds(b, r->vars[j]);
    } else {
      evpubp_escape_csv_field(b, r->vars[j], strlen(r->vars[j]));
    }
  }
  evpubp_buf_adds(b, eol);
  for(i = 0; i < r->nrows; i++) {
    const evpubp_term *row = r->cells + i * r->nvars;
    for(j = 0; j < r->nvars; j++) {
      if(j)
        evpubp_buf_addc(b, sep);
      if(tsv || row[j].kind == EVPUBP_TERM_BLANK)
        put_nt_term(b, &row[j]);
      else if(row[j].kind != EVPUBP_TERM_UNBOUND)
        evpubp_escape_csv_field(b, row[j].value, row[j].len);
    }
    evpubp_buf_adds(b, eol);
  }
}

static void
write_csv(const evpubp_result *r, evpubp_buf *b)
{
  write_separated(r, b, 0);
}

static void
write_tsv(const evpubp_result *r, evpubp_buf *b)
{
  write_separated(r, b, 1);
}

/* ---- SPARQL 1.1 results JSON ---- */
static void
put_json_term(evpubp_buf *b, const char *var, const evpubp_term *t)
{
  static const char *const types[] = { NULL, "\"uri\"", "\"bnode\"",
                                       "\"literal\"" };
  evpubp_put_json_string(b, var, strlen(var));
  evpubp_buf_adds(b, ": {\"type\": ");
  evpubp_buf_adds(b, types[t->kind]);
  evpubp_buf_adds(b, ", \"value\": ");
  evpubp_put_json_string(b, t->value, t->len);
  if(t->lang) {
    evpubp_buf_adds(b, ", \"xml:lang\": ");
    evpubp_put_json_string(b, t->lang, strlen(t->lang));
  } else if(t->dt) {
    evpubp_buf_adds(b, ", \"datatype\": ");
    evpubp_put_json_string(b, t->dt, strlen(t->dt));
  }
  evpubp_buf_addc(b, '}');
}

static void
write_json(const evpubp_result *r, evpubp_buf *b)
{
  size_t i, j;
  if(r->form == EVPUBP_RESULT_BOOLEAN) {
    evpubp_buf_printf(b, "{\"head\": {}, \"boolean\": %s}\n",
                      r->boolean ? "true" : "false");
    return;
  }
  evpubp_buf_adds(b, "{\"head\": {\"vars\": [");
  for(j = 0; j < r->nvars; j++) {
    if(j)
      evpubp_buf_adds(b, ", ");
    evpubp_put_json_string(b, r->vars[j], strlen(r->vars[j]));
  }
  evpubp_buf_adds(b, "]},\n \"results\": {\"bindings\": [");
  for(i = 0; i < r->nrows; i++) {
    const evpubp_term *row = r->cells + i * r->nvars;
    int first = 1;
    evpubp_buf_adds(b, i ? ",\n  {" : "\n  {");
    for(j = 0; j < r->nvars; j++) {
      if(row[j].kind == EVPUBP_TERM_UNBOUND)
        continue;
      if(!first)
        evpubp_buf_adds(b, ", ");
      first = 0;
      put_json_term(b, r->vars[j], &row[j]);
    }
    evpubp_buf_addc(b, '}');
  }
  evpubp_buf_adds(b, r->nrows ? "\n ]}}\n" : "]}}\n");
}

/* ---- the table ---- */
/* How a cell looks in the table: IRIs in <>, literals as their text
 * with "@lang", control characters as escapes. */
static void
cell_text(evpubp_buf *b, const evpubp_term *t)
{
  if(t->kind == EVPUBP_TERM_LITERAL) {
    evpubp_escape_nt_string(b, t->value, t->len);
    if(t->lang) {
      evpubp_buf_addc(b, '@');
      evpubp_buf_adds(b, t->lang);
    }
  } else {
    put_nt_term(b, t);
  }
}

/* The width of each column: its name with the '?', or its widest cell. */
static void
column_widths(const evpubp_result *r, size_t *w, evpubp_buf *cell)
{
  size_t i, j;
  for(j = 0; j < r->nvars; j++)
    w[j] = evpubp_text_width(r->vars[j], strlen(r->vars[j])) + 1;
  for(i = 0; i < r->nrows; i++)
    for(j = 0; j < r->nvars; j++) {
      size_t cw;
      evpubp_buf_reset(cell);
      cell_text(cell, &r->cells[i * r->nvars + j]);
      cw = evpubp_text_width(cell->data ? cell->data : "", cell->len);
      if(cw > w[j])
        w[j] = cw;
    }
}

static void
write_table(const evpubp_result *r, evpubp_buf *b)
{
  size_t i, j, *w;
  evpubp_buf cell;
  if(r->form == EVPUBP_RESULT_BOOLEAN) {
    evpubp_buf_adds(b, r->boolean ? "yes\n" : "no\n");
    return;
  }
  w = calloc(r->nvars ? r->nvars : 1, sizeof(*w));
  if(!w) {
    b->failed = 1;
    return;
  }
  evpubp_buf_init(&cell);
  column_widths(r, w, &cell);
  for(j = 0; j < r->nvars; j++) {
    size_t nw = evpubp_text_width(r->vars[j], strlen(r->vars[j]));
    evpubp_buf_addc(b, '?');
    evpubp_buf_adds(b, r->vars[j]);
    if(j + 1 < r->nvars)
      evpubp_put_spaces(b, w[j] - nw - 1 + 2);
  }
  evpubp_buf_addc(b, '\n');
  for(j = 0; j < r->nvars; j++) {
    size_t k;
    for(k = 0; k < w[j]; k++)
      evpubp_buf_addc(b, '-');
    if(j + 1 < r->nvars)
      evpubp_buf_adds(b, "  ");
  }
  evpubp_buf_addc(b, '\n');
  for(i = 0; i < r->nrows; i++) {
    for(j = 0; j < r->nvars; j++) {
      const char *text;
      evpubp_buf_reset(&cell);
      cell_text(&cell, &r->cells[i * r->nvars + j]);
      text = cell.data ? cell.data : "";
      evpubp_buf_add(b, text, cell.len);
      if(j + 1 < r->nvars)
        evpubp_put_spaces(b, w[j] - evpubp_text_width(text, cell.len) + 2);
    }
    evpubp_buf_addc(b, '\n');
  }
  evpubp_buf_printf(b, "(%lu row%s)\n", (unsigned long)r->nrows,
                    r->nrows == 1 ? "" : "s");
  evpubp_buf_free(&cell);
  free(w);
}

/* ---- the writers, by name; the first is the default ---- */
static const struct {
  const char *name;
  void (*write)(const evpubp_result *r, evpubp_buf *b);
} writers[] = {
  { "table", write_table },
  { "csv", write_csv },
  { "tsv", write_tsv },
  { "json", write_json },
};

evpub_status
evpubp_result_write(const evpubp_result *r, const char *format, FILE *out)
{
  evpubp_buf b;
  evpub_status st;
  size_t i, k = 0;
  for(i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
    if(!strcmp(format, writers[i].name))
      k = i;
  evpubp_buf_init(&b);
  writers[k].write(r, &b);
  st = evpubp_buf_write(&b, out);
  evpubp_buf_free(&b);
  return st;
}
