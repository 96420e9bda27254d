// FNV-1a (64-bit) over a 4 KiB pseudo-random buffer, n rounds chained.
static unsigned char buf[4096];

long long fnv(int n) {
    unsigned int seed = 42;
    for (int i = 0; i < 4096; i++) {
        seed = seed * 1664525u + 1013904223u;
        buf[i] = (unsigned char)(seed >> 24);
    }
    unsigned long long h = 14695981039346656037ull;
    for (int r = 0; r < n; r++) {
        for (int i = 0; i < 4096; i++) {
            h ^= buf[i];
            h *= 1099511628211ull;
        }
        h ^= (unsigned long long)r;
    }
    return (long long)h;
}
