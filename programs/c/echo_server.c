/*
 * echo_server — accept one TCP connection on the preopened listening socket (fd 3 when the program
 * has no directories: `keel run --tcplisten 127.0.0.1:PORT echo_server.wasm`), read until the peer
 * finishes sending, send everything back upper-cased, shut down and exit. Prints "accepted",
 * "received N bytes" and "sent N bytes". Exercises sock_accept, sock_recv, sock_send, sock_shutdown.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
  int listen_fd = argc > 1 ? atoi(argv[1]) : 3;
  __wasi_fd_t conn;
  __wasi_errno_t err = __wasi_sock_accept(listen_fd, 0, &conn);
  if (err) {
    printf("accept: errno %d\n", err);
    return 1;
  }
  printf("accepted\n");
  fflush(stdout);
  static char buf[65536];
  size_t total = 0;
  for (;;) {
    __wasi_iovec_t iov = {(uint8_t *)buf + total, sizeof buf - total};
    __wasi_size_t n = 0;
    __wasi_roflags_t flags = 0;
    err = __wasi_sock_recv(conn, &iov, 1, 0, &n, &flags);
    if (err) {
      printf("recv: errno %d\n", err);
      return 1;
    }
    if (n == 0 || total + n >= sizeof buf) {
      total += n;
      break;
    }
    total += n;
  }
  printf("received %zu bytes\n", total);
  for (size_t i = 0; i < total; i++) buf[i] = (char)toupper((unsigned char)buf[i]);
  __wasi_ciovec_t out = {(const uint8_t *)buf, total};
  __wasi_size_t sent = 0;
  err = __wasi_sock_send(conn, &out, 1, 0, &sent);
  if (err) {
    printf("send: errno %d\n", err);
    return 1;
  }
  printf("sent %u bytes\n", (unsigned)sent);
  err = __wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR);
  if (err) printf("shutdown: errno %d\n", err);
  return err ? 1 : 0;
}
