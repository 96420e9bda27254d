// Binary trees over a bump allocator: build a tree of depth n, count its
// nodes; then 2^(n-4) trees of depth 4; a node is two pointers.
typedef struct Node { struct Node *left, *right; } Node;
#define ARENA (64 << 20)
static char arena[ARENA] __attribute__((aligned(16)));
static unsigned long long top;

static Node *alloc(void) {
    Node *n = (Node *)(arena + top);
    top += sizeof(Node);
    return n;
}

static Node *build(int depth) {
    Node *n = alloc();
    if (depth > 0) {
        n->left = build(depth - 1);
        n->right = build(depth - 1);
    } else {
        n->left = 0;
        n->right = 0;
    }
    return n;
}

static long long check(Node *n) {
    if (!n->left) return 1;
    return 1 + check(n->left) + check(n->right);
}

long long bintree(int n) {
    if (n > 20) n = 20;
    top = 0;
    long long total = check(build(n));
    int iters = 1 << (n - 4 > 0 ? n - 4 : 0);
    for (int i = 0; i < iters; i++) {
        top = 0;
        total += check(build(4)) * (i + 1);
    }
    return total;
}
