/* evpub.h - publish event descriptions as schema.org linked data
 *
 * The one public header of libevpub.  Every object is opaque and made by
 * an evpub_new_*() function; every evpub_free_*() accepts NULL.
 *
 * Ownership words used below:
 *   "returns new"      the caller frees the result with the named function
 *   "returns borrowed" the result belongs to the object it came from and
 *                      stays valid until that object is freed or changed
 *   "copies"           the function keeps its own copy of a string argument
 *
 * The library never prints.  Errors, warnings and notes go to the log
 * handler of the world (evpub_world_set_log_handler()); functions return
 * an evpub_status, 0 meaning success.
 */
#ifndef EVPUB_H
#define EVPUB_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EVPUB_VERSION "0.1.0"

/* Status codes.  The numeric values of the first five are also the exit
 * codes of the evpub command. */
typedef enum {
  EVPUB_OK = 0,         /* success */
  EVPUB_E_DATA = 1,     /* the input was rejected (see the log) */
  EVPUB_E_USAGE = 2,    /* a bad argument from the caller */
  EVPUB_E_IO = 3,       /* a file could not be read or written */
  EVPUB_E_INTERNAL = 4, /* a library failed (raptor, librdf, ...) */
  EVPUB_E_NOMEM = 5     /* out of memory (the command exits 4) */
} evpub_status;

/* Severity of a log message. */
typedef enum {
  EVPUB_LOG_NOTE = 0,
  EVPUB_LOG_WARNING,
  EVPUB_LOG_ERROR
} evpub_log_level;

/* One message.  All pointers are borrowed for the duration of the
 * handler call only.  file is NULL and line/column are 0 when the message
 * has no position; column counts characters from 1.  file and text are
 * safe to show on a terminal: whatever they quote from the input, control
 * characters (but tab) and bytes that are not UTF-8 are written \xHH,
 * C1 controls and bidirectional overrides \uHHHH. */
typedef struct {
  evpub_log_level level;
  const char *file;
  unsigned long line;
  unsigned long column;
  const char *text;
} evpub_message;

typedef void (*evpub_log_handler)(void *user_data, const evpub_message *msg);

/* ---- what the library offers ------------------------------------------
 *
 * The readers, writers, server kinds and other named choices of the
 * library, in the order help texts list them: what evpub --help, the man
 * page checks and shell completion are made from. */
typedef enum {
  EVPUB_READERS = 0,    /* input syntaxes (evpub_converter_add_input) */
  EVPUB_WRITERS,        /* output formats (evpub_converter_set_format) */
  EVPUB_SERVERS,        /* server kinds (the "server" option); the first,
                        "generic", is the default */
  EVPUB_QUERY_FORMATS,  /* result formats (evpub_source_query) */
  EVPUB_NETWORK_FORMATS /* network formats (evpub_network_write) */
} evpub_choice_kind;

typedef struct {
  const char *name;       /* what to pass, e.g. "turtle" */
  const char *summary;    /* one line, for help texts */
  const char *extensions; /* file extensions, space-separated, or "" */
} evpub_choice;

/* The i-th choice of kind, counting from 0; NULL past the end or for an
 * unknown kind.  Returns borrowed (static data of the library). */
const evpub_choice *evpub_choice_at(evpub_choice_kind kind, size_t i);

typedef struct evpub_world_s evpub_world;
typedef struct evpub_converter_s evpub_converter;

/* Return a lowercase description of status (static; never NULL). */
const char *evpub_strerror(evpub_status status);

/* Free memory the library returned as "new (evpub_free())", e.g. the
 * string of evpub_store_default_dir().  Accepts NULL.  Use it rather
 * than free(): the library and the program may not share a C runtime. */
void evpub_free(void *ptr);

/* Return the library version, e.g. "0.1.0" (static). */
const char *evpub_version(void);

/* Create the context that owns the raptor world, the vocabulary and the
 * log handler.  Returns new (free with evpub_free_world()), or NULL when
 * out of memory or when raptor cannot start. */
evpub_world *evpub_new_world(void);

/* Free a world and everything it owns.  Accepts NULL.  Every converter
 * made from the world must be freed first. */
void evpub_free_world(evpub_world *world);

/* Send log messages to handler (NULL: drop them).  user_data is passed
 * through and never freed by the library. */
void evpub_world_set_log_handler(evpub_world *world, evpub_log_handler handler,
                                 void *user_data);

/* Write "raptor 2.0.15, librdf 1.0.17, libcurl 7.88.1, libyaml 0.2.5"
 * (the versions the library runs with) into buf of size len, always
 * NUL-terminated.  Returns buf. */
char *evpub_world_versions(evpub_world *world, char *buf, size_t len);

/* Create a converter.  Returns new (free with evpub_free_converter()), or
 * NULL when out of memory.  The world must outlive the converter. */
evpub_converter *evpub_new_converter(evpub_world *world);

/* Free a converter.  Accepts NULL. */
void evpub_free_converter(evpub_converter *conv);

/* Set the output format by name: one of the writers of
 * evpub_choice_at(EVPUB_WRITERS, i) ("turtle", the default, "ntriples",
 * "nquads", "jsonld", "html", "rdfxml"; an alias such as "ttl"; or
 * "raptor:NAME" for any raptor serializer NAME).  Copies name.  Returns
 * EVPUB_OK, EVPUB_E_USAGE for an unknown name, or EVPUB_E_NOMEM. */
evpub_status evpub_converter_set_format(evpub_converter *conv,
                                        const char *name);

/* Use base (an absolute IRI) for every input instead of the documents'
 * own `base`.  A base that ends in neither '/' nor '#' gets a '/'.
 * Copies base.  Returns EVPUB_OK, EVPUB_E_USAGE if base is not an
 * absolute IRI, or EVPUB_E_NOMEM. */
evpub_status evpub_converter_set_base(evpub_converter *conv, const char *base);

/* JSON-LD style: "exact" (default: the same graph as the Turtle output,
 * read with the official context or without its coercions) or "google"
 * (plain strings as Google's Event documentation shows; "html" always
 * uses it).  Returns EVPUB_OK, or EVPUB_E_USAGE for another name. */
evpub_status evpub_converter_set_jsonld_style(evpub_converter *conv,
                                              const char *style);

/* Checks beyond the format, run before anything is written: "schema"
 * (dates in order, no negative capacity, no price without currency),
 * "google" (schema plus Google Search Central's Event rules; findings
 * that are recommendations come as warnings), or "none" (the default for
 * evpub_converter_run()).  Returns EVPUB_OK, or EVPUB_E_USAGE for another
 * name. */
evpub_status evpub_converter_set_profile(evpub_converter *conv,
                                         const char *profile);

/* Read and check every input with the profile (default "schema") and
 * report each finding to the log handler (EVPUB_LOG_ERROR or
 * EVPUB_LOG_WARNING, with its position); write nothing.  Returns
 * EVPUB_OK when there is no error (warnings allowed), EVPUB_E_DATA, or
 * another status as evpub_converter_run(). */
evpub_status evpub_converter_validate(evpub_converter *conv);

/* Number of warnings of the last evpub_converter_validate() (0 before
 * one). */
unsigned long evpub_converter_warnings(const evpub_converter *conv);

/* Stop after this many errors (default 50; 0 means no limit). */
void evpub_converter_set_max_errors(evpub_converter *conv,
                                    unsigned long max_errors);

/* iCalendar input: list the first n occurrences of a recurring event as
 * subEvents, besides its eventSchedule (default 0: none). */
void evpub_converter_set_expand(evpub_converter *conv, unsigned long n);

/* Add an input file.  path "-" is standard input.  from is the name of
 * a reader of evpub_choice_at(EVPUB_READERS, i) ("yaml", "json", "csv",
 * "ics"), or NULL: by the file's extension, else by its first bytes (a
 * file that can be read twice), else YAML; standard input without a
 * reader is YAML.  Copies both strings; the file is opened by
 * evpub_converter_run().  Returns EVPUB_OK, EVPUB_E_USAGE for a NULL path
 * or an unknown reader, or EVPUB_E_NOMEM. */
evpub_status evpub_converter_add_input(evpub_converter *conv, const char *path,
                                       const char *from);

/* Read every input, map it and write the result to out (borrowed, not
 * closed).  Inputs are read twice: once to index the entities they
 * declare and check everything, once to write.  Nothing is written when
 * the first reading finds an error.  Returns EVPUB_OK, EVPUB_E_DATA
 * (errors were logged), EVPUB_E_IO, EVPUB_E_NOMEM or EVPUB_E_INTERNAL. */
evpub_status evpub_converter_run(evpub_converter *conv, FILE *out);

/* As evpub_converter_run(), writing to the file path atomically: the
 * output goes to a temporary file in the same directory that is renamed
 * over path only on success, and removed on failure.  Returns as
 * evpub_converter_run(); EVPUB_E_IO (logged) also when the temporary
 * file cannot be made, written or renamed. */
evpub_status evpub_converter_run_to_file(evpub_converter *conv,
                                         const char *path);

/* Number of triples written by the last run (0 before one). */
unsigned long evpub_converter_triples(const evpub_converter *conv);

/* Number of events written by the last run (0 before one). */
unsigned long evpub_converter_events(const evpub_converter *conv);

/* ---- publishing to a SPARQL endpoint (doc/publishing.md) --------------
 *
 * A publisher converts a converter's inputs and sends every named graph
 * (one per event, one per shared entity, or one given graph) to a SPARQL
 * 1.1 server: by the Graph Store Protocol (PUT, the default) or by SPARQL
 * Update (batched INSERT DATA, atomic per graph); or stores them in the
 * local store.  Requests are retried with backoff on connection errors,
 * timeouts, 408, 429 and 5xx. */
typedef struct evpub_publisher_s evpub_publisher;

/* What a run did. */
typedef struct {
  unsigned long published;  /* graphs stored (or printed, with dry-run) */
  unsigned long unchanged;  /* graphs skipped: the journal has them */
  unsigned long failed;     /* graphs not stored (logged: each one, or
                             * once for all when the run stopped) */
  unsigned long triples;    /* triples sent */
  unsigned long requests;   /* HTTP requests sent, retries included */
  unsigned long retries;    /* of which retries */
  unsigned long long bytes; /* request body bytes sent */
} evpub_publish_stats;

/* Where a run is, for a progress display: counts so far. */
typedef struct {
  unsigned long events_done;  /* event items converted */
  unsigned long events_total; /* event items in the inputs */
  unsigned long published;    /* graphs stored */
  unsigned long unchanged;    /* graphs skipped: the journal has them */
  unsigned long failed;       /* graphs not stored */
  unsigned long triples;      /* triples stored */
  unsigned long long bytes;   /* request body bytes sent */
  double elapsed;             /* seconds since the run started */
  int final;                  /* 1 on the last call of a run, else 0 */
} evpub_publish_progress;

/* A progress handler: progress is borrowed for the duration of the call
 * only.  It must not call functions of the publisher that calls it. */
typedef void (*evpub_progress_cb)(void *user_data,
                                  const evpub_publish_progress *progress);

/* Create a publisher with the default options (see
 * evpub_publisher_set()).  Returns new (free with
 * evpub_free_publisher()), or NULL when out of memory.  The world must
 * outlive the publisher. */
evpub_publisher *evpub_new_publisher(evpub_world *world);

/* Free a publisher and its options; the password and the token are
 * wiped first.  Accepts NULL. */
void evpub_free_publisher(evpub_publisher *pub);

/* Set option name to value; copies value.  Returns EVPUB_OK,
 * EVPUB_E_USAGE for an unknown name or a bad value (both logged), or
 * EVPUB_E_NOMEM.  Names:
 *   endpoint URL        base URL of the server (see "server")
 *   server NAME         a server kind (EVPUB_SERVERS of
 *                       evpub_choice_at()), default generic: how the
 *                       query, update and graph store URLs derive from
 *                       endpoint
 *   query-url, update-url, gsp-url URL   each URL alone
 *   store DIR           the local store instead of a server
 *   method gsp|update   Graph Store Protocol PUT (default) or SPARQL
 *                       Update
 *   graph IRI           everything in this one graph
 *   user NAME, password TEXT, token TEXT (bearer), auth any|basic|digest|
 *                       negotiate (default any, or the preset's), netrc
 *                       FILE, cacert FILE
 *   jobs N              requests in flight at once (1 to 64, default 1)
 *   retries N           retries of a failed request (0 to 100, default 5)
 *   timeout SECONDS     per request (default 300); connect-timeout (10)
 *   retry-wait SECONDS  first backoff delay (default 0.5; doubles, with
 *                       jitter, capped at 30)
 *   batch-triples N     update: triples per request (default by server)
 *   gsp-chunk-triples N gsp: a graph of more triples is sent as a PUT of
 *                       its first N and POSTs of N more each (default
 *                       200000; 0: one PUT)
 *   journal FILE        where published graphs are recorded
 *   resume 0|1          skip graphs the journal has with the same content
 *   dry-run 0|1         write the requests to the run's out instead of
 *                       sending them
 * Booleans also take yes/no and true/false. */
evpub_status evpub_publisher_set(evpub_publisher *pub, const char *name,
                                 const char *value);

/* Have cb called with the progress of each run (NULL: no calls, the
 * default): at most four times a second while graphs are converted and
 * sent, and once more, with final set, when every graph has been handled
 * (a run that stops early, on an input or a usage error, makes no final
 * call).  user_data is passed through and never freed by the library. */
void evpub_publisher_set_progress(evpub_publisher *pub, evpub_progress_cb cb,
                                  void *user_data);

/* Convert conv's inputs and publish them.  With dry-run, the requests
 * are written to out (borrowed, not closed; NULL: standard output);
 * nothing else is written to it.  Returns EVPUB_OK when every graph is
 * stored, EVPUB_E_DATA when an input is rejected (nothing is sent),
 * EVPUB_E_IO when a graph failed (see the stats and the log) or the
 * journal or the store cannot be written, EVPUB_E_USAGE for missing or
 * contradictory options (logged), EVPUB_E_NOMEM, EVPUB_E_INTERNAL.  A
 * publisher may run again, with the same or other options. */
evpub_status evpub_publisher_run(evpub_publisher *pub, evpub_converter *conv,
                                 FILE *out);

/* The counts of the last run: returns borrowed, valid until
 * evpub_free_publisher() (the next run starts them afresh). */
const evpub_publish_stats *evpub_publisher_stats(const evpub_publisher *pub);

/* ---- the local store (doc/store.md) ----------------------------------
 *
 * Without an endpoint, publish, query and network use a local store: a
 * directory holding Redland "hashes" (Berkeley DB) files, one context per
 * named graph.  A publish is one transaction: a publish that is killed
 * leaves the store as it was before.  The publisher ("store" option) and
 * the source ("store" option) open it. */

/* The default store directory: $EVPUB_STORE, else
 * $XDG_DATA_HOME/evpub/store, else ~/.local/share/evpub/store.  Returns
 * new (evpub_free()), or NULL when none can be found or out of memory. */
char *evpub_store_default_dir(void);

/* ---- asking questions (doc/store.md) ---------------------------------
 *
 * A source is where questions go: the local store or a SPARQL endpoint
 * (when an endpoint or a query URL is set). */
typedef struct evpub_source_s evpub_source;

/* Create a source (no store, no endpoint yet).  Returns new (free with
 * evpub_free_source()), or NULL when out of memory.  The world must
 * outlive the source. */
evpub_source *evpub_new_source(evpub_world *world);

/* Free a source, closing the store it opened; secrets are wiped first.
 * Accepts NULL. */
void evpub_free_source(evpub_source *src);

/* Set an option by name; copies value.  Returns EVPUB_OK,
 * EVPUB_E_USAGE for an unknown name or a bad value (a bad value is
 * logged), or EVPUB_E_NOMEM.  Names:
 *   store DIR           the local store (used when no endpoint is set)
 *   endpoint URL        a SPARQL server's base URL (http or https)
 *   server NAME         how the query URL derives from endpoint: one of
 *                       the server presets, as for the publisher
 *                       (generic, the default: endpoint is the query URL)
 *   query-url URL       the query URL alone
 *   user, password, token, auth, netrc, cacert   as for the publisher
 *   timeout SECONDS     per request (default 300)
 *   allow-service BOOL  over the local store, run SERVICE clauses
 *                       (rasqal fetches their URLs); refused otherwise.
 *                       FROM and FROM NAMED are always refused there
 * A URL option holding a user name or password is refused (EVPUB_E_USAGE):
 * a URL shows in messages and files. */
evpub_status evpub_source_set(evpub_source *src, const char *name,
                              const char *value);

/* Run a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) and write its
 * result to out (borrowed, not closed; flushed) in format: "table",
 * "csv" (SPARQL 1.1 CSV), "tsv" (SPARQL 1.1 TSV), "json" (SPARQL 1.1
 * results JSON) for bindings and booleans, "turtle" or "ntriples" for
 * graphs; NULL: table, or turtle for a graph.  Returns EVPUB_OK,
 * EVPUB_E_USAGE for a text that is not a query or a format that does not
 * fit it, EVPUB_E_DATA for a query the engine rejects, EVPUB_E_IO when
 * the store cannot be read, the server fails or out cannot be written,
 * EVPUB_E_NOMEM or EVPUB_E_INTERNAL.  Failures are logged. */
evpub_status evpub_source_query(evpub_source *src, const char *query,
                                const char *format, FILE *out);

/* Write every quad of the local store as N-Quads to out (borrowed, not
 * closed), read straight from the Redland files (not through the query
 * engine), in no set order.  Returns EVPUB_OK, EVPUB_E_USAGE for an
 * endpoint source, EVPUB_E_IO when the store cannot be read or out
 * cannot be written, EVPUB_E_NOMEM or EVPUB_E_INTERNAL. */
evpub_status evpub_source_export(evpub_source *src, FILE *out);

/* The form of a SPARQL query. */
typedef enum {
  EVPUB_QUERY_UNKNOWN = 0, /* not a query (an update, or not SPARQL) */
  EVPUB_QUERY_SELECT,
  EVPUB_QUERY_ASK,
  EVPUB_QUERY_CONSTRUCT,
  EVPUB_QUERY_DESCRIBE
} evpub_query_form_kind;

/* The form of query (borrowed), read from its keyword after the prologue
 * (comments, BASE, PREFIX); EVPUB_QUERY_UNKNOWN for NULL or anything
 * else.  The query is not parsed further. */
evpub_query_form_kind evpub_query_form(const char *query);

/* ---- the co-organizer network (doc/network.md) ----------------------
 *
 * Organizations are nodes (with their number of events), and two that
 * organized one event are joined by an edge weighted by the number of
 * such events. */
typedef struct evpub_network_s evpub_network;

/* Create a network with no filter.  Returns new (free with
 * evpub_free_network()), or NULL when out of memory.  The world must
 * outlive the network. */
evpub_network *evpub_new_network(evpub_world *world);

/* Free a network and its last result.  Accepts NULL. */
void evpub_free_network(evpub_network *net);

/* Set a filter by name; copies value.  Returns EVPUB_OK, EVPUB_E_USAGE
 * for an unknown name or a bad value (a bad value is logged), or
 * EVPUB_E_NOMEM.  Names:
 *   role TEXT         only organizers with this schema:roleName (exact)
 *   since DATE, until DATE   only events whose startDate (its date part,
 *                     YYYY-MM-DD) is in the range, both ends included
 *   ego ORG           only ORG (an IRI or a name) and its co-organizers,
 *                     and the edges among them
 *   min-weight N      only edges of at least N events, and only the
 *                     organizations left with an edge (default 1) */
evpub_status evpub_network_set(evpub_network *net, const char *name,
                               const char *value);

/* Compute the network from src (the local store: natively; an endpoint:
 * with SPARQL aggregates) under the filters, replacing the last result.
 * Returns EVPUB_OK, EVPUB_E_USAGE when the ego filter names no
 * organization of the network or several (logged), EVPUB_E_IO when the
 * store or the server fails, EVPUB_E_NOMEM. */
evpub_status evpub_network_compute(evpub_network *net, evpub_source *src);

/* The number of organizations of the last computed network (0 before
 * the first). */
unsigned long evpub_network_nodes(const evpub_network *net);

/* The number of edges of the last computed network (0 before the
 * first). */
unsigned long evpub_network_edges(const evpub_network *net);

/* The number of connected components of the last computed network (0
 * before the first). */
unsigned long evpub_network_components(const evpub_network *net);

/* Write the last computed network to out (borrowed, not closed;
 * flushed) in format: "table" (the ranking), "csv" (the edges),
 * "csv-nodes" (the ranking), "json", "dot" (Graphviz; drawing it, e.g.
 * as SVG with Graphviz's dot, is for the caller) or "graphml".  Returns
 * EVPUB_OK, EVPUB_E_USAGE before a computed network or for an unknown
 * format (logged), EVPUB_E_IO when out cannot be written, or
 * EVPUB_E_NOMEM. */
evpub_status evpub_network_write(const evpub_network *net, const char *format,
                                 FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* EVPUB_H */
