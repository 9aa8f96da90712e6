// The no-op `provided.al2023` function of the warm-invoke and cold-start benchmarks: a custom runtime
// that answers every invocation with `{}` through the Lambda Runtime API, over one keep-alive
// connection. benchmarks/run.py builds it (gcc -O2 -static) and zips it as `bootstrap`.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char buffer[1 << 20];
static size_t buffered = 0;

// `AWS_LAMBDA_RUNTIME_API` is `<IPv4 address>:<port>`.
static int connect_to_api(const char *api) {
    char host[64];
    const char *colon = strrchr(api, ':');
    if (colon == NULL || (size_t)(colon - api) >= sizeof host) return -1;
    memcpy(host, api, (size_t)(colon - api));
    host[colon - api] = '\0';
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) return -1;
    return fd;
}

static int send_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t sent = write(fd, data, length);
        if (sent <= 0) return -1;
        data += sent;
        length -= (size_t)sent;
    }
    return 0;
}

// Reads one response; copies the request id header into `request_id` when present.
static int read_response(int fd, char *request_id, size_t id_capacity) {
    char *end;
    while ((end = memmem(buffer, buffered, "\r\n\r\n", 4)) == NULL) {
        if (buffered == sizeof buffer) return -1;
        ssize_t got = read(fd, buffer + buffered, sizeof buffer - buffered);
        if (got <= 0) return -1;
        buffered += (size_t)got;
    }
    size_t head_length = (size_t)(end - buffer) + 4;
    size_t content_length = 0;
    for (char *line = buffer; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "Content-Length:", 15) == 0) content_length = strtoul(line + 15, NULL, 10);
        if (request_id != NULL && strncasecmp(line, "Lambda-Runtime-Aws-Request-Id:", 30) == 0) {
            const char *value = line + 30;
            while (*value == ' ') value++;
            size_t length = strcspn(value, "\r");
            if (length >= id_capacity) return -1;
            memcpy(request_id, value, length);
            request_id[length] = '\0';
        }
    }
    size_t total = head_length + content_length;
    if (total > sizeof buffer) return -1;
    while (buffered < total) {
        ssize_t got = read(fd, buffer + buffered, sizeof buffer - buffered);
        if (got <= 0) return -1;
        buffered += (size_t)got;
    }
    memmove(buffer, buffer + total, buffered - total);
    buffered -= total;
    return 0;
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == NULL) return 1;
    int fd = connect_to_api(api);
    if (fd < 0) return 1;
    char request[512], request_id[128];
    for (;;) {
        int length = snprintf(request, sizeof request,
                              "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
        request_id[0] = '\0';
        if (send_all(fd, request, (size_t)length) != 0 || read_response(fd, request_id, sizeof request_id) != 0) return 1;
        length = snprintf(request, sizeof request,
                          "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\n"
                          "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                          request_id, api);
        if (send_all(fd, request, (size_t)length) != 0 || read_response(fd, NULL, 0) != 0) return 1;
    }
}
