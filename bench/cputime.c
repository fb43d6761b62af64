/* cputime OUT CMD ARGS...: runs CMD (stdout and stderr inherited) and writes one line to OUT:
 * "wall_s cpu_s maxrss_kib" with microsecond resolution (cpu = user + sys of CMD and its children).
 * /usr/bin/time prints CPU seconds with two decimals; at 0.2-0.4 s that rounding alone moves a
 * ratio by up to 5 %. Exits with CMD's status (or 2 when it cannot be run). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: cputime OUT CMD [ARGS...]\n", stderr);
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	FILE *out = fopen(argv[1], "a");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(out, "%.6f %.6f %ld\n", wall, secs(ru.ru_utime) + secs(ru.ru_stime), ru.ru_maxrss);
	fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
