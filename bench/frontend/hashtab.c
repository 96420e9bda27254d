// Pointer chasing and a small function in the hot loop: n lookups of
// pseudo-random keys in a 256-bucket table of chains, whose nodes come from
// a pool on the stack (alloca); a key not found is inserted while the pool
// has room, and counted as a miss once it is full. Twin of hashtab.nf.
typedef struct Node { long long key, count; struct Node *next; } Node;

static int hash(long long k) {
    unsigned long long h = ((unsigned long long)k ^ ((unsigned long long)k >> 29)) * 0xBF58476D1CE4E5B9ull;
    return (int)(h >> 32);
}

long long hashtab(int n) {
    Node *heads[256];
    for (int i = 0; i < 256; i++) heads[i] = 0;
    int cap = 1024;
    Node *pool = __builtin_alloca((unsigned long)cap * sizeof(Node));
    int used = 0;
    unsigned long long seed = 1;
    long long misses = 0;
    for (int r = 0; r < n; r++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        long long k = (long long)((seed >> 33) % 1500) + 1;
        int b = hash(k) & 255;
        Node *p = heads[b];
        int found = 0;
        while (p != 0) {
            if (p->key == k) {
                p->count++;
                found = 1;
                break;
            }
            p = p->next;
        }
        if (found == 1 || used >= cap) {
            if (found == 0) misses++;
            continue;
        }
        Node *node = &pool[used];
        used++;
        node->key = k;
        node->count = 1;
        node->next = heads[b];
        heads[b] = node;
    }
    unsigned long long sum = (unsigned long long)misses;
    for (int i = 0; i < used; i++)
        sum = sum * 31 + (unsigned long long)(pool[i].key ^ (pool[i].count * 1000003));
    return (long long)sum;
}
