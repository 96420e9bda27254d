// Naive string search: count the occurrences of 4 patterns in a text of n
// bytes over a 4-letter alphabet.
#define MAX (1 << 20)
static unsigned char text[MAX];
static const unsigned char pats[4][8] = {"abcab", "dddd", "acbdacbd", "ba"};
static const int lens[4] = {5, 4, 8, 2};

long long strsearch(int n) {
    if (n > MAX) n = MAX;
    unsigned int seed = 7;
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        text[i] = (unsigned char)('a' + ((seed >> 16) & 3));
    }
    long long total = 0;
    for (int p = 0; p < 4; p++) {
        const unsigned char *pat = pats[p];
        int m = lens[p];
        long long count = 0;
        for (int i = 0; i + m <= n; i++) {
            int k = 0;
            while (k < m && text[i + k] == pat[k]) k++;
            if (k == m) count++;
        }
        total = total * 1000003 + count;
    }
    return total;
}
