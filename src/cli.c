/* cli.c - exit codes, the log handler, help texts and small helpers of
 * the evpub command */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define HELP_INDENT 23 /* where the texts of options start */
#define HELP_WIDTH 79

/* Whether an error message that says "out of memory" was printed: the
 * library says it, with what it was doing, where it can; the command
 * says it where the library could not (the one process-wide state of
 * the command, which handles one library call at a time). */
static int said_out_of_memory;

int
cli_exit_code(evpub_status st)
{
  switch(st) {
  case EVPUB_OK: return CLI_OK;
  case EVPUB_E_DATA: return CLI_DATA;
  case EVPUB_E_USAGE: return CLI_USAGE;
  case EVPUB_E_IO: return CLI_IO;
  case EVPUB_E_INTERNAL: return CLI_INTERNAL;
  case EVPUB_E_NOMEM:
    if(!said_out_of_memory)
      cli_error("out of memory");
    said_out_of_memory = 1;
    return CLI_INTERNAL;
  }
  return CLI_INTERNAL;
}

/* Write s to fp with every C0 control character but tab, and DEL,
 * written as \xHH: input (a file name, a CSV header, a calendar line)
 * must never reach the terminal as an escape sequence. */
static void
put_escaped(FILE *fp, const char *s)
{
  for(; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if((c < 0x20 && c != '\t') || c == 0x7f)
      fprintf(fp, "\\x%02X", c);
    else
      fputc(c, fp);
  }
}

void
cli_log(void *user, const evpub_message *msg)
{
  const cli *c = user;
  if(msg->level == EVPUB_LOG_NOTE && !c->verbose)
    return;
  if(msg->level == EVPUB_LOG_ERROR && strstr(msg->text, "out of memory"))
    said_out_of_memory = 1;
  fputs("evpub: ", stderr);
  if(msg->file) {
    put_escaped(stderr, msg->file);
    if(msg->line)
      fprintf(stderr, ":%lu:%lu", msg->line, msg->column);
    fputs(": ", stderr);
  }
  if(msg->level == EVPUB_LOG_WARNING)
    fputs("warning: ", stderr);
  else if(msg->level == EVPUB_LOG_NOTE)
    fputs("note: ", stderr);
  put_escaped(stderr, msg->text);
  fputc('\n', stderr);
}

void
cli_error(const char *fmt, ...)
{
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  fputs("evpub: ", stderr);
  put_escaped(stderr, text);
  fputc('\n', stderr);
}

int
cli_try_help(const char *cmd)
{
  fprintf(stderr, "evpub: try 'evpub %s --help'\n", cmd);
  return CLI_USAGE;
}

const char *
cli_names(evpub_choice_kind kind, char *buf, size_t len)
{
  size_t i, n, at = 0;
  for(n = 0; evpub_choice_at(kind, n); n++)
    ;
  buf[0] = '\0';
  for(i = 0; i < n && at < len; i++)
    at += (size_t)snprintf(buf + at, len - at, "%s%s",
                           i == 0         ? ""
                             : i + 1 == n ? " or "
                                          : ", ",
                           evpub_choice_at(kind, i)->name);
  return buf;
}

/* Words of text from column col, wrapped at HELP_WIDTH with lines
 * starting at column indent. */
static void
put_wrapped(FILE *out, size_t col, size_t indent, const char *text)
{
  while(*text) {
    size_t len = strcspn(text, " ");
    if(col > indent && col + 1 + len > HELP_WIDTH) {
      fprintf(out, "\n%*s", (int)indent, "");
      col = indent;
    } else if(col > indent) {
      fputc(' ', out);
      col++;
    }
    col += fwrite(text, 1, len, out);
    text += len;
    text += strspn(text, " ");
  }
  fputc('\n', out);
}

/* One line per choice of kind: "  name  summary". */
static void
put_choices(FILE *out, evpub_choice_kind kind)
{
  size_t i, w = 0;
  const evpub_choice *ch;
  for(i = 0; (ch = evpub_choice_at(kind, i)); i++)
    if(strlen(ch->name) > w)
      w = strlen(ch->name);
  for(i = 0; (ch = evpub_choice_at(kind, i)); i++) {
    fprintf(out, "%*s%-*s ", HELP_INDENT + 2, "", (int)w, ch->name);
    put_wrapped(out, HELP_INDENT + 3 + w, HELP_INDENT + 3 + w, ch->summary);
  }
}

void
cli_help(FILE *out, const char *text)
{
  static const struct {
    const char *line;
    evpub_choice_kind kind;
  } lists[] = { { "{readers}", EVPUB_READERS },
                { "{writers}", EVPUB_WRITERS },
                { "{servers}", EVPUB_SERVERS },
                { "{query-formats}", EVPUB_QUERY_FORMATS },
                { "{network-formats}", EVPUB_NETWORK_FORMATS } };
  while(*text) {
    size_t len = strcspn(text, "\n"), i;
    for(i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
      if(len == strlen(lists[i].line) && !strncmp(text, lists[i].line, len))
        break;
    if(i < sizeof(lists) / sizeof(lists[0]))
      put_choices(out, lists[i].kind);
    else {
      fwrite(text, 1, len, out);
      fputc('\n', out);
    }
    text += len;
    if(*text)
      text++;
  }
}

char *
cli_slurp(const char *path, const char *what)
{
  FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  size_t len = 0, cap = 4096, n;
  char *s = NULL, *ns;
  if(fp)
    s = malloc(cap);
  while(s && (n = fread(s + len, 1, cap - len - 1, fp)) > 0) {
    len += n;
    if(cap - len >= 2)
      continue;
    ns = realloc(s, cap * 2);
    if(!ns) {
      free(s);
      s = NULL;
    }
    s = ns;
    cap *= 2;
  }
  if(s && ferror(fp)) {
    free(s);
    s = NULL;
  }
  if(fp && fp != stdin)
    fclose(fp);
  if(!s) {
    cli_error("cannot read the %s file '%s'", what, path);
    return NULL;
  }
  s[len] = '\0';
  return s;
}

char *
cli_read_secret(const char *path, const char *what)
{
  FILE *fp = fopen(path, "r");
  char buf[4096];
  size_t n;
  char *s;
  if(!fp) {
    cli_error("cannot read the %s file '%s'", what, path);
    return NULL;
  }
  if(!fgets(buf, sizeof(buf), fp))
    buf[0] = '\0';
  fclose(fp);
  n = strcspn(buf, "\r\n");
  buf[n] = '\0';
  if(!n) {
    cli_error("the %s file '%s' is empty", what, path);
    return NULL;
  }
  s = strdup(buf);
  memset(buf, 0, sizeof(buf));
  return s;
}

int
cli_options(int argc, char **argv, const char *shorts,
            const struct option *opts, const char *cmd, const char *help,
            int (*take)(void *ctx, int c, const char *arg), void *ctx)
{
  int c, rc = 0;
  optind = 1;
  while(!rc && (c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
    if(c == 'h') {
      cli_help(stdout, help);
      return CLI_HELP_SHOWN;
    }
    rc = c == '?' ? -1 : take(ctx, c, optarg);
    if(rc < 0)
      rc = cli_try_help(cmd);
  }
  return rc;
}

/* ---- Graphviz ---------------------------------------------------------
 * The library writes DOT; drawing it is the command's business: dot runs
 * as a child with the DOT on a pipe (no temporary file) and its SVG
 * going straight to our standard output. */
#ifndef EVPUB_DOT
#define EVPUB_DOT "dot"
#endif

int
cli_draw_svg(const char *dot, size_t len)
{
  extern char **environ;
  char *argv[] = { (char *)EVPUB_DOT, (char *)"-Tsvg", NULL };
  posix_spawn_file_actions_t fa;
  int fds[2], status = 0, rc = CLI_OK, spawned;
  pid_t pid;
  size_t off = 0;
  void (*old)(int);

  fflush(stdout);
  if(pipe(fds)) {
    cli_error("cannot run %s: %s", EVPUB_DOT, strerror(errno));
    return CLI_IO;
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  spawned = posix_spawnp(&pid, EVPUB_DOT, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[0]);
  if(spawned) {
    close(fds[1]);
    cli_error("-f svg needs Graphviz's %s (Debian package graphviz); "
              "-f dot writes what it reads",
              EVPUB_DOT);
    return CLI_IO;
  }
  old = signal(SIGPIPE, SIG_IGN); /* dot may stop reading early */
  while(off < len) {
    ssize_t w = write(fds[1], dot + off, len - off);
    if(w < 0 && errno == EINTR)
      continue;
    if(w <= 0)
      break;
    off += (size_t)w;
  }
  close(fds[1]);
  signal(SIGPIPE, old);
  while(waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if(!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
    cli_error("-f svg needs Graphviz's %s (Debian package graphviz); "
              "-f dot writes what it reads",
              EVPUB_DOT);
    rc = CLI_IO;
  } else if(WEXITSTATUS(status) || off < len) {
    cli_error("%s -Tsvg failed", EVPUB_DOT);
    rc = CLI_IO;
  }
  return rc;
}
