// The C baseline of the sockspec benchmark (bench/main.go compiles it with
// gcc -O2): raw blocking system calls, one thread per blocked reader. Every
// socket is blocking without a timeout; bench/main.go bounds each process
// with a kill timeout.
//
//   peer_c <udp|tcp|stream> server            prints "PORT n", serves one client
//   peer_c <udp|tcp|stream> client PORT MS MAXOPS
//                                              prints "RESULT ops seconds"
//   peer_c blocked server N                   N readers (threads); prints
//                                              "PORT n", then "READY threads rss_kb"
//                                              when all are blocked, then
//                                              "WOKEN t1_ns" (CLOCK_MONOTONIC)
//   peer_c blocked driver PORT N              connects N times, "CONNECTED";
//                                              on a stdin line, "T0 ns" and one
//                                              byte to each; exits at stdin EOF
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void die(const char *m) { perror(m); exit(1); }

static struct sockaddr_in loop_addr(int port) {
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int listen_port(int type, int *port) {
	int fd = socket(AF_INET, type, 0);
	if (fd < 0) die("socket");
	struct sockaddr_in a = loop_addr(0);
	if (bind(fd, (void *)&a, sizeof a)) die("bind");
	if (type == SOCK_STREAM && listen(fd, 4096)) die("listen");
	socklen_t l = sizeof a;
	getsockname(fd, (void *)&a, &l);
	*port = ntohs(a.sin_port);
	printf("PORT %d\n", *port);
	fflush(stdout);
	return fd;
}

static int full(int fd, char *b, int n) {
	int got = 0;
	while (got < n) {
		int r = recv(fd, b + got, n - got, 0);
		if (r <= 0) return r;
		got += r;
	}
	return got;
}

static void status(long *threads, long *rss) {
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	*threads = *rss = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "Threads:", 8)) *threads = atol(line + 8);
		if (!strncmp(line, "VmRSS:", 6)) *rss = atol(line + 6);
	}
	if (f) fclose(f);
}

static int bench_server(const char *w) {
	int port, one = 1;
	char buf[65536];
	if (!strcmp(w, "udp")) {
		int fd = listen_port(SOCK_DGRAM, &port);
		for (;;) {
			struct sockaddr_in p;
			socklen_t pl = sizeof p;
			int r = recvfrom(fd, buf, sizeof buf, 0, (void *)&p, &pl);
			if (r <= 1) return 0; // 1-byte datagram: stop
			sendto(fd, buf, r, 0, (void *)&p, pl);
		}
	}
	int ln = listen_port(SOCK_STREAM, &port);
	int fd = accept(ln, NULL, NULL);
	if (fd < 0) die("accept");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (!strcmp(w, "tcp")) {
		while (full(fd, buf, 64) == 64)
			if (send(fd, buf, 64, 0) != 64) break;
		return 0;
	}
	long long total = 0;
	for (;;) {
		int r = recv(fd, buf, sizeof buf, 0);
		if (r <= 0) break;
		total += r;
	}
	send(fd, &total, 8, 0);
	return 0;
}

static int bench_client(const char *w, int port, long ms, long maxops) {
	int fd, one = 1;
	char buf[65536];
	memset(buf, 'x', sizeof buf);
	struct sockaddr_in a = loop_addr(port);
	fd = socket(AF_INET, !strcmp(w, "udp") ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (connect(fd, (void *)&a, sizeof a)) die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	long long end = now_ns() + ms * 1000000LL, t0 = 0;
	long ops = 0;
	if (!strcmp(w, "stream")) {
		t0 = now_ns();
		long long sent = 0;
		for (ops = 0; ops < maxops; ops++) {
			if ((ops & 15) == 0 && now_ns() > end) break;
			int off = 0;
			while (off < 65536) {
				int r = send(fd, buf + off, 65536 - off, 0);
				if (r <= 0) die("send");
				off += r;
			}
			sent += 65536;
		}
		shutdown(fd, SHUT_WR);
		long long got = 0;
		full(fd, (char *)&got, 8);
		double s = (now_ns() - t0) / 1e9;
		if (got != sent) { fprintf(stderr, "stream: sent %lld, server got %lld\n", sent, got); return 1; }
		printf("RESULT %ld %.6f\n", ops, s);
		return 0;
	}
	int udp = !strcmp(w, "udp");
	for (long i = 0; i < 1000 + maxops; i++) { // 1000 warm-up round trips
		if (i == 1000) {
			t0 = now_ns();
			end = t0 + ms * 1000000LL;
		}
		if (i > 1000 && (i & 63) == 0 && now_ns() > end) break;
		if (send(fd, buf, 64, 0) != 64) die("send");
		if ((udp ? recv(fd, buf, 64, 0) : full(fd, buf, 64)) != 64) die("recv");
		if (i >= 1000) ops++;
	}
	double s = (now_ns() - t0) / 1e9;
	if (udp) send(fd, buf, 1, 0);
	printf("RESULT %ld %.6f\n", ops, s);
	return 0;
}

static volatile long woken;
static long nreaders;

static void *reader(void *arg) {
	int fd = (int)(long)arg;
	char c;
	recv(fd, &c, 1, 0);
	if (__sync_add_and_fetch(&woken, 1) == nreaders) {
		printf("WOKEN %lld\n", now_ns());
		fflush(stdout);
	}
	return NULL;
}

static int blocked_server(long n) {
	int port;
	int ln = listen_port(SOCK_STREAM, &port);
	nreaders = n;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 64 * 1024);
	pthread_t *th = calloc(n, sizeof *th);
	for (long i = 0; i < n; i++) {
		int fd = accept(ln, NULL, NULL);
		if (fd < 0) die("accept");
		if (pthread_create(&th[i], &at, reader, (void *)(long)fd)) die("pthread_create");
	}
	usleep(200000); // let every reader block
	long t, r;
	status(&t, &r);
	printf("READY %ld %ld\n", t, r);
	fflush(stdout);
	for (long i = 0; i < n; i++) pthread_join(th[i], NULL);
	return 0;
}

static int blocked_driver(int port, long n) {
	int *fds = calloc(n, sizeof *fds);
	struct sockaddr_in a = loop_addr(port);
	for (long i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0) die("socket");
		if (connect(fds[i], (void *)&a, sizeof a)) die("connect");
	}
	printf("CONNECTED\n");
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof line, stdin)) return 1;
	long long t0 = now_ns();
	for (long i = 0; i < n; i++) send(fds[i], "w", 1, 0);
	printf("T0 %lld\n", t0);
	fflush(stdout);
	while (fgets(line, sizeof line, stdin)) {
	}
	return 0;
}

int main(int argc, char **argv) {
	if (argc < 3) return 2;
	if (!strcmp(argv[1], "blocked")) {
		if (!strcmp(argv[2], "server")) return blocked_server(atol(argv[3]));
		return blocked_driver(atoi(argv[3]), atol(argv[4]));
	}
	if (!strcmp(argv[2], "server")) return bench_server(argv[1]);
	return bench_client(argv[1], atoi(argv[3]), atol(argv[4]), atol(argv[5]));
}
