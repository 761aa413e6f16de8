/*
 * sqlite_bench — a "large real program doing real work" for Keel's benchmark
 * suite: drives SQLite (compiled into the same WASI preview1 module, see
 * build.sh next to this file) through a small but realistic database
 * workload on a real file.
 *
 * Usage: sqlite_bench DBPATH ROWS
 *
 *   DBPATH  database file to create; any old DBPATH, DBPATH-journal and
 *           DBPATH.lock (the unix-dotfile VFS's lock directory) are removed
 *           first.  Under WASI it must lie inside a preopened directory,
 *           e.g. `node bin/keel.js run --dir /tmp/x::/data
 *           programs/c/build/sqlite_bench.wasm /data/test.db 20000`.
 *   ROWS    number of rows in the `orders` table (>= 1); `customers` gets
 *           ROWS/10 (at least 1).  ROWS=20000 is the benchmark size.
 *
 * Work done, in order:
 *   - open with a rollback journal (journal_mode=DELETE) and
 *     synchronous=FULL, so every commit creates, writes, fsyncs and deletes
 *     the -journal file and fsyncs the database;
 *   - create two tables and insert ROWS/10 customers and ROWS orders in
 *     transactions of 1000 rows through prepared statements, with data from
 *     our own LCG (no rand(), no clock);
 *   - create two indexes;
 *   - queries: a GROUP BY aggregate, a JOIN + GROUP BY, ORDER BY ... LIMIT,
 *     a window function, a self-join, LIKE full scans, and ROWS/5 range
 *     queries through an index, each in its own (autocommit) transaction,
 *     so each takes and drops the lock and re-validates the page cache;
 *   - UPDATEs (one with a correlated indexed subquery) and a DELETE;
 *   - a checksum over every remaining row, VACUUM, PRAGMA integrity_check.
 *
 * Output (stdout): a handful of lines of counts, sums and FNV-1a checksums.
 * They depend only on ROWS and the SQLite version, never on the clock or on
 * randomness, so two runtimes can be compared byte for byte.  On any SQLite
 * or file error a message goes to stderr and the exit status is 1; a usage
 * error exits with 2.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sqlite3.h"

static sqlite3 *db;

static void die(const char *what) {
  fprintf(stderr, "sqlite_bench: %s: %s\n", what,
          db ? sqlite3_errmsg(db) : "(no database)");
  exit(1);
}

static void check(int rc, const char *what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) die(what);
}

static void exec(const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "sqlite_bench: %s: %s\n", sql, err ? err : "?");
    exit(1);
  }
}

static sqlite3_stmt *prepare(const char *sql) {
  sqlite3_stmt *st = NULL;
  check(sqlite3_prepare_v2(db, sql, -1, &st, NULL), sql);
  return st;
}

/* Step a statement that must produce exactly one row. */
static void step_row(sqlite3_stmt *st, const char *what) {
  if (sqlite3_step(st) != SQLITE_ROW) die(what);
}

static void step_done(sqlite3_stmt *st, const char *what) {
  if (sqlite3_step(st) != SQLITE_DONE) die(what);
}

/* ---- deterministic pseudo-random data ---------------------------------- */

static uint64_t lcg_state = 0x2545F4914F6CDD1DULL;

static uint32_t lcg(void) {
  /* Knuth's MMIX multiplier; use the high bits, which are the good ones. */
  lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(lcg_state >> 33);
}

static uint32_t lcg_below(uint32_t n) { return lcg() % n; }

static const char *const syllables[] = {
    "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zen", "dar",
    "el", "fin", "gor", "ha", "is", "jo", "qu", "bel", "cy", "wu",
};
static const char *const adjectives[] = {
    "small", "large", "shiny", "rusty", "quiet", "loud", "heavy", "light",
    "ancient", "modern", "cheap", "premium",
};
static const char *const colours[] = {
    "red", "green", "blue", "black", "white", "amber", "violet", "grey",
    "teal", "olive",
};
static const char *const nouns[] = {
    "widget", "gadget", "lamp", "chair", "kettle", "bicycle", "notebook",
    "teapot", "hammer", "clock", "guitar", "blanket", "compass", "drum",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void make_name(char *buf, size_t size) {
  size_t len = 0;
  int parts = 2 + (int)lcg_below(3);
  buf[0] = '\0';
  for (int i = 0; i < parts; i++) {
    const char *s = syllables[lcg_below(COUNT(syllables))];
    len += (size_t)snprintf(buf + len, size - len, "%s", s);
  }
  if (len > 0) buf[0] = (char)(buf[0] - 'a' + 'A');
}

static void make_item(char *buf, size_t size) {
  /* One call per statement: argument evaluation order is unspecified. */
  const char *adj = adjectives[lcg_below(COUNT(adjectives))];
  const char *colour = colours[lcg_below(COUNT(colours))];
  const char *noun = nouns[lcg_below(COUNT(nouns))];
  unsigned serial = (unsigned)lcg_below(100000);
  snprintf(buf, size, "%s %s %s #%u", adj, colour, noun, serial);
}

/* ---- FNV-1a 64 checksum over query results ----------------------------- */

typedef struct {
  uint64_t h;
} fnv;

static void fnv_init(fnv *f) { f->h = 0xcbf29ce484222325ULL; }

static void fnv_bytes(fnv *f, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    f->h ^= b[i];
    f->h *= 0x100000001b3ULL;
  }
}

/* Hash every column of the current row as text, with separators. */
static void fnv_row(fnv *f, sqlite3_stmt *st) {
  int n = sqlite3_column_count(st);
  for (int i = 0; i < n; i++) {
    const unsigned char *t = sqlite3_column_text(st, i);
    if (t) fnv_bytes(f, t, (size_t)sqlite3_column_bytes(st, i));
    fnv_bytes(f, i + 1 < n ? "|" : "\n", 1);
  }
}

/* Run a query and hash all of its rows; returns the number of rows. */
static long hash_query(const char *sql, fnv *f) {
  sqlite3_stmt *st = prepare(sql);
  long rows = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    fnv_row(f, st);
    rows++;
  }
  if (rc != SQLITE_DONE) die(sql);
  sqlite3_finalize(st);
  return rows;
}

static long long query_int(const char *sql) {
  sqlite3_stmt *st = prepare(sql);
  step_row(st, sql);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* ---- setup -------------------------------------------------------------- */

static void remove_old(const char *dbpath) {
  static const char *const suffixes[] = {"", "-journal"};
  char path[4096];
  for (size_t i = 0; i < COUNT(suffixes); i++) {
    snprintf(path, sizeof path, "%s%s", dbpath, suffixes[i]);
    if (unlink(path) != 0 && errno != ENOENT) {
      fprintf(stderr, "sqlite_bench: unlink %s: %s\n", path, strerror(errno));
      exit(1);
    }
  }
  /* Stale lock directory left by a killed run of the unix-dotfile VFS. */
  snprintf(path, sizeof path, "%s.lock", dbpath);
  if (rmdir(path) != 0 && errno != ENOENT) {
    fprintf(stderr, "sqlite_bench: rmdir %s: %s\n", path, strerror(errno));
    exit(1);
  }
}

#define BATCH 1000

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: sqlite_bench DBPATH ROWS\n");
    return 2;
  }
  const char *dbpath = argv[1];
  char *end;
  long rows = strtol(argv[2], &end, 10);
  if (*argv[2] == '\0' || *end != '\0' || rows < 1 || rows > 100000000) {
    fprintf(stderr, "sqlite_bench: ROWS must be an integer >= 1\n");
    return 2;
  }
  long ncust = rows / 10 > 0 ? rows / 10 : 1;

  remove_old(dbpath);
  if (sqlite3_open(dbpath, &db) != SQLITE_OK) die("open");

  exec("PRAGMA journal_mode=DELETE");
  exec("PRAGMA synchronous=FULL");
  exec("PRAGMA cache_size=-2000"); /* the default 2 MiB, made explicit */

  exec("CREATE TABLE customers("
       " id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
       " region INTEGER NOT NULL, balance INTEGER NOT NULL)");
  exec("CREATE TABLE orders("
       " id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL"
       " REFERENCES customers(id), amount INTEGER NOT NULL,"
       " day INTEGER NOT NULL, item TEXT NOT NULL)");

  /* Inserts: transactions of BATCH rows, one prepared statement each. */
  char buf[128];
  long transactions = 0;
  sqlite3_stmt *ins = prepare("INSERT INTO customers(id,name,region,balance)"
                              " VALUES(?1,?2,?3,?4)");
  for (long i = 1; i <= ncust; i++) {
    if ((i - 1) % BATCH == 0) exec("BEGIN");
    make_name(buf, sizeof buf);
    sqlite3_bind_int64(ins, 1, i);
    sqlite3_bind_text(ins, 2, buf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 3, (int)lcg_below(12));
    sqlite3_bind_int(ins, 4, (int)lcg_below(100000) - 20000);
    step_done(ins, "insert customer");
    check(sqlite3_reset(ins), "reset");
    if (i % BATCH == 0 || i == ncust) {
      exec("COMMIT");
      transactions++;
    }
  }
  sqlite3_finalize(ins);

  ins = prepare("INSERT INTO orders(customer_id,amount,day,item)"
                " VALUES(?1,?2,?3,?4)");
  for (long i = 1; i <= rows; i++) {
    if ((i - 1) % BATCH == 0) exec("BEGIN");
    make_item(buf, sizeof buf);
    sqlite3_bind_int64(ins, 1, 1 + (long long)lcg_below((uint32_t)ncust));
    sqlite3_bind_int(ins, 2, 1 + (int)lcg_below(50000));
    sqlite3_bind_int(ins, 3, (int)lcg_below(3650));
    sqlite3_bind_text(ins, 4, buf, -1, SQLITE_TRANSIENT);
    step_done(ins, "insert order");
    check(sqlite3_reset(ins), "reset");
    if (i % BATCH == 0 || i == rows) {
      exec("COMMIT");
      transactions++;
    }
  }
  sqlite3_finalize(ins);

  exec("CREATE INDEX orders_customer ON orders(customer_id)");
  exec("CREATE INDEX orders_day ON orders(day)");

  printf("sqlite %s: rows=%ld customers=%ld transactions=%ld\n",
         sqlite3_libversion(), rows, ncust, transactions);

  /* 1. GROUP BY aggregate over the item kind ("adjective colour noun"). */
  fnv f;
  fnv_init(&f);
  long groups = hash_query(
      "SELECT substr(item, 1, instr(item, ' #') - 1) AS kind,"
      "       count(*), sum(amount), min(amount), max(amount)"
      "  FROM orders GROUP BY kind ORDER BY kind",
      &f);
  printf("group by: %ld groups, checksum %016llx\n", groups,
         (unsigned long long)f.h);

  /* 2. JOIN + GROUP BY: revenue per customer region. */
  fnv_init(&f);
  long regions = hash_query(
      "SELECT c.region, count(*), sum(o.amount), count(DISTINCT c.id)"
      "  FROM orders o JOIN customers c ON c.id = o.customer_id"
      " GROUP BY c.region ORDER BY c.region",
      &f);
  printf("join: %ld regions, checksum %016llx\n", regions,
         (unsigned long long)f.h);

  /* 3. ORDER BY ... LIMIT: the ten best customers by order total. */
  fnv_init(&f);
  hash_query("SELECT c.name, t.total FROM"
             " (SELECT customer_id, sum(amount) AS total FROM orders"
             "   GROUP BY customer_id ORDER BY total DESC, customer_id"
             "   LIMIT 10) t JOIN customers c ON c.id = t.customer_id"
             " ORDER BY t.total DESC, c.id",
             &f);
  sqlite3_stmt *st = prepare("SELECT id, amount FROM orders"
                             " ORDER BY amount DESC, id LIMIT 1");
  step_row(st, "top order");
  printf("top: biggest order #%lld amount %lld, top-10 customers checksum "
         "%016llx\n",
         (long long)sqlite3_column_int64(st, 0),
         (long long)sqlite3_column_int64(st, 1), (unsigned long long)f.h);
  sqlite3_finalize(st);

  /* 4. A window function, and a self-join through orders_customer. */
  fnv_init(&f);
  long ranked = hash_query(
      "SELECT customer_id, id, amount, rnk FROM"
      " (SELECT customer_id, id, amount, rank() OVER"
      "    (PARTITION BY customer_id ORDER BY amount DESC, id) AS rnk"
      "    FROM orders)"
      " WHERE rnk <= 3 ORDER BY customer_id, rnk",
      &f);
  long long pairs =
      query_int("SELECT count(*) FROM orders a JOIN orders b"
                "  ON b.customer_id = a.customer_id AND b.id > a.id"
                " WHERE abs(b.day - a.day) < 90");
  printf("window: %ld top-3 rows, checksum %016llx; self-join: %lld pairs\n",
         ranked, (unsigned long long)f.h, pairs);

  /* 5. LIKE full-table scans. */
  long long like_blue =
      query_int("SELECT count(*) FROM orders WHERE item LIKE '%blue%'");
  long long like_pot =
      query_int("SELECT count(*) FROM orders WHERE item LIKE '%pot #1%'");
  printf("like: '%%blue%%' %lld, '%%pot #1%%' %lld\n", like_blue, like_pot);

  /* 6. Many range queries through the orders_day index. */
  st = prepare("SELECT count(*), coalesce(sum(amount),0) FROM orders"
               " WHERE day BETWEEN ?1 AND ?2");
  long nrange = rows / 5 > 0 ? rows / 5 : 1;
  long long range_rows = 0, range_sum = 0;
  for (long i = 0; i < nrange; i++) {
    int lo = (int)lcg_below(3650);
    sqlite3_bind_int(st, 1, lo);
    sqlite3_bind_int(st, 2, lo + (int)lcg_below(30));
    step_row(st, "range query");
    range_rows += sqlite3_column_int64(st, 0);
    range_sum += sqlite3_column_int64(st, 1);
    check(sqlite3_reset(st), "reset");
  }
  sqlite3_finalize(st);
  printf("range: %ld queries, %lld rows, sum %lld\n", nrange, range_rows,
         range_sum);

  /* 7. UPDATEs: a correlated subquery (uses orders_customer), and a
   *    quarter of the orders rewritten (found through orders_day). */
  exec("BEGIN");
  exec("UPDATE customers SET balance = balance -"
       " (SELECT coalesce(sum(amount),0) FROM orders"
       "   WHERE customer_id = customers.id AND day >= 3000)");
  long long updated = sqlite3_changes(db);
  exec("UPDATE orders SET amount = amount + 1, item = upper(item)"
       " WHERE day BETWEEN 1000 AND 1899");
  updated += sqlite3_changes(db);
  exec("COMMIT");
  long long negative =
      query_int("SELECT count(*) FROM customers WHERE balance < 0");

  /* 8. DELETE. */
  exec("DELETE FROM orders WHERE amount % 7 = 0 OR item LIKE 'rusty%'");
  long long deleted = sqlite3_changes(db);
  printf("update: %lld rows, %lld customers now negative;"
         " delete: %lld orders\n",
         updated, negative, deleted);

  /* 9. Checksum of everything left, then VACUUM and an integrity check. */
  fnv_init(&f);
  long left = hash_query("SELECT * FROM orders ORDER BY id", &f);
  long cust = hash_query("SELECT * FROM customers ORDER BY id", &f);
  printf("final: %ld orders, %ld customers, checksum %016llx\n", left, cust,
         (unsigned long long)f.h);

  exec("VACUUM");
  st = prepare("PRAGMA integrity_check");
  step_row(st, "integrity_check");
  char integrity[64];
  snprintf(integrity, sizeof integrity, "%s",
           (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  long long pages = query_int("PRAGMA page_count");
  long long page_size = query_int("PRAGMA page_size");
  printf("vacuum: %lld pages of %lld bytes, integrity_check: %s\n", pages,
         page_size, integrity);

  if (sqlite3_close(db) != SQLITE_OK) die("close");
  db = NULL;
  if (strcmp(integrity, "ok") != 0) {
    fprintf(stderr, "sqlite_bench: integrity_check failed: %s\n", integrity);
    return 1;
  }
  return 0;
}
