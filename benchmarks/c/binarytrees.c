/* Allocation-heavy recursion (the binary-trees benchmark): build and check many short-lived trees with
   malloc/free, while one long-lived tree stays live. */
#include "bench.h"

typedef struct Node { struct Node *l, *r; } Node;

static Node *make(int depth) {
    Node *n = malloc(sizeof *n);
    if (depth > 0) { n->l = make(depth - 1); n->r = make(depth - 1); }
    else n->l = n->r = NULL;
    return n;
}

static int32_t check(const Node *n) { return 1 + (n->l ? check(n->l) + check(n->r) : 0); }

static void release(Node *n) {
    if (n->l) { release(n->l); release(n->r); }
    free(n);
}

int main(int argc, char **argv) {
    int scale = bench_scale(argc, argv);
    const int maxd = 16;
    uint64_t sum = 0;
    Node *longlived = make(maxd);
    for (int d = 4; d <= maxd; d += 2) {
        int iters = (int)scaled(1 << (maxd - d + 4), scale);
        int64_t c = 0;
        for (int i = 0; i < iters; i++) { Node *t = make(d); c += check(t); release(t); }
        sum = mix64(sum, (uint64_t)c);
    }
    printf("binarytrees %d %016llx\n", check(longlived), (unsigned long long)sum);
    release(longlived);
    return 0;
}
