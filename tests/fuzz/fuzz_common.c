/* fuzz_common.c - input file, silent world and one converter run per
 * input, shared by fuzz_yaml.c, fuzz_csv.c and fuzz_ics.c */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evpub.h"
#include "fuzz_common.h"

/* The input file: one memfd per process, rewritten for every input and
 * opened by the converter as /proc/self/fd/N (a new open file
 * description, so each of its readings starts at offset 0). */
static int input_fd = -1;
static char input_path[64];
static FILE *null_out;
static int verbose; /* EVPUB_FUZZ_VERBOSE set: print options and log */

/* What one iteration does besides reading: normally derived from the
 * input, or fixed by EVPUB_FUZZ_CHOICE=FORMAT,PROFILE,VALIDATE,EXPAND
 * (the numbers EVPUB_FUZZ_VERBOSE prints), so that a reproducer can be
 * minimized without the choice changing with its bytes. */
typedef struct {
  unsigned long fmt, profile, validate, expand;
} choice;

/* formats[GOOGLE] is JSON-LD in the google style */
#define NFORMATS 8
#define GOOGLE 4
static const char *const formats[NFORMATS] = { "turtle", "ntriples",
                                               "nquads", "jsonld",
                                               "jsonld", "html",
                                               "rdfxml", "raptor:json" };
#define NPROFILES 3
static const char *const profiles[NPROFILES] = { "none", "schema", "google" };

static choice forced;
static int have_forced;

static void
die(const char *what)
{
  fprintf(stderr, "evpub fuzz: %s: %s\n", what, strerror(errno));
  abort();
}

static void
setup(void)
{
  input_fd = memfd_create("evpub-fuzz-input", MFD_CLOEXEC);
  if(input_fd < 0) {
    /* kernels without memfd: an unlinked temporary file */
    char tmpl[] = "/tmp/evpub-fuzz-XXXXXX";
    input_fd = mkstemp(tmpl);
    if(input_fd < 0)
      die("cannot create the input file");
    unlink(tmpl);
  }
  snprintf(input_path, sizeof(input_path), "/proc/self/fd/%d", input_fd);
  null_out = fopen("/dev/null", "wb");
  if(!null_out)
    die("cannot open /dev/null");
  verbose = getenv("EVPUB_FUZZ_VERBOSE") != NULL;
  if(getenv("EVPUB_FUZZ_CHOICE")) {
    if(sscanf(getenv("EVPUB_FUZZ_CHOICE"), "%lu,%lu,%lu,%lu", &forced.fmt,
              &forced.profile, &forced.validate, &forced.expand) != 4 ||
       forced.fmt >= NFORMATS || forced.profile >= NPROFILES) {
      fprintf(stderr,
              "evpub fuzz: EVPUB_FUZZ_CHOICE is FORMAT (0-%d),"
              "PROFILE (0-%d),VALIDATE (0-1),EXPAND\n",
              NFORMATS - 1, NPROFILES - 1);
      abort();
    }
    have_forced = 1;
  }
}

static void
write_input(const uint8_t *data, size_t size)
{
  size_t done = 0;
  if(ftruncate(input_fd, 0))
    die("ftruncate");
  while(done < size) {
    ssize_t n = pwrite(input_fd, data + done, size - done, (off_t)done);
    if(n < 0 && errno == EINTR)
      continue;
    if(n <= 0)
      die("cannot write the input file");
    done += (size_t)n;
  }
}

/* What the log received during one call. */
typedef struct {
  size_t bytes;    /* of every message */
  char error[200]; /* the last error, for the report of a finding */
} logbook;

/* Drop every message, but read it all first, so that ASan sees a bad
 * pointer or an unterminated text handed to the log. */
static void
quiet_log(void *user, const evpub_message *msg)
{
  logbook *lb = user;
  lb->bytes += strlen(msg->text) + 1;
  if(msg->file)
    lb->bytes += strlen(msg->file);
  if(msg->level == EVPUB_LOG_ERROR)
    snprintf(lb->error, sizeof(lb->error), "%s", msg->text);
  if((unsigned)msg->level > EVPUB_LOG_ERROR)
    abort();
  if(verbose)
    fprintf(stderr, "%s:%lu:%lu: %s: %s\n", msg->file ? msg->file : "",
            msg->line, msg->column,
            msg->level == EVPUB_LOG_ERROR       ? "error"
              : msg->level == EVPUB_LOG_WARNING ? "warning"
                                                : "note",
            msg->text);
}

/* FNV-1a: a stable choice of options per input */
static uint32_t
hash_bytes(const uint8_t *data, size_t size)
{
  uint32_t h = 2166136261u;
  size_t i;
  for(i = 0; i < size; i++) {
    h ^= data[i];
    h *= 16777619u;
  }
  return h;
}

/* An input may be refused (EVPUB_E_DATA, with a message), never make the
 * library fail: I/O, internal and memory errors on a file that can be
 * read are findings too. */
static void
check(const char *fn, evpub_status st, const logbook *lb, const char *fmt)
{
  if(st == EVPUB_OK || (st == EVPUB_E_DATA && lb->bytes))
    return;
  fprintf(stderr, "evpub fuzz: %s returned %d (%s) with -f %s: %s\n", fn,
          (int)st, evpub_strerror(st), fmt,
          !lb->bytes       ? "and logged nothing"
            : lb->error[0] ? lb->error
                           : "and logged no error");
  abort();
}

int
evpub_fuzz_one(const uint8_t *data, size_t size, const evpub_fuzz_opts *opts)
{
  evpub_world *world;
  evpub_converter *conv;
  logbook lb;
  uint32_t h = opts->vary_output ? hash_bytes(data, size) : 0;
  choice c;
  evpub_status st;

  if(input_fd < 0)
    setup();
  c.fmt = h % NFORMATS;
  c.profile = (h >> 8) % NPROFILES;
  c.validate = ((h >> 16) & 3) == 0;
  c.expand = opts->expand;
  if(have_forced)
    c = forced;
  write_input(data, size);
  memset(&lb, 0, sizeof(lb));

  world = evpub_new_world();
  if(!world)
    die("evpub_new_world");
  evpub_world_set_log_handler(world, quiet_log, &lb);
  conv = evpub_new_converter(world);
  if(!conv)
    die("evpub_new_converter");
  if(evpub_converter_add_input(conv, input_path, opts->reader) ||
     evpub_converter_set_format(conv, formats[c.fmt]) ||
     evpub_converter_set_profile(conv, profiles[c.profile]) ||
     evpub_converter_set_jsonld_style(conv,
                                      c.fmt == GOOGLE ? "google" : "exact"))
    abort(); /* the harness is wrong, not the library */
  if(c.expand)
    evpub_converter_set_expand(conv, c.expand);
  if(verbose)
    fprintf(stderr,
            "evpub fuzz: EVPUB_FUZZ_CHOICE=%lu,%lu,%lu,%lu: --from %s "
            "-f %s%s --validate=%s --expand %lu%s\n",
            c.fmt, c.profile, c.validate, c.expand, opts->reader,
            formats[c.fmt], c.fmt == GOOGLE ? " --jsonld-style google" : "",
            profiles[c.profile], c.expand,
            c.validate ? ", then validate" : "");

  st = evpub_converter_run(conv, null_out);
  check("evpub_converter_run", st, &lb, formats[c.fmt]);
  if(c.validate) {
    memset(&lb, 0, sizeof(lb));
    st = evpub_converter_validate(conv);
    check("evpub_converter_validate", st, &lb, "none");
  }
  clearerr(null_out);

  evpub_free_converter(conv);
  evpub_free_world(world);
  return 0;
}
