/* stdin_echo.c: copies stdin to stdout line by line, numbering the lines, then reports the byte count
 * on stderr. Feed it any text on stdin. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[4096];
    long lines = 0, bytes = 0;
    while (fgets(line, sizeof line, stdin) != NULL) {
        lines++;
        bytes += (long)strlen(line);
        printf("%ld: %s", lines, line);
        if (line[strlen(line) - 1] != '\n')
            printf("\n");
    }
    fprintf(stderr, "read %ld lines, %ld bytes\n", lines, bytes);
    return 0;
}
