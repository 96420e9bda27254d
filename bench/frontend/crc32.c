// Integer bit manipulation: CRC-32 with its table built at run time, over a
// 4 KiB pseudo-random buffer, n rounds chained; the rounds' CRCs and a
// population count make the checksum. Twin of crc32.nf.
static unsigned int table[256];
static unsigned char buf[4096];

long long crc32(int n) {
    for (int i = 0; i < 256; i++) {
        unsigned int c = (unsigned int)i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        table[i] = c;
    }
    unsigned int seed = 99;
    for (int i = 0; i < 4096; i++) {
        seed = seed * 1664525u + 1013904223u;
        buf[i] = (unsigned char)(seed >> 24);
    }
    unsigned int crc = 0xFFFFFFFFu;
    unsigned long long acc = 0;
    for (int r = 0; r < n; r++) {
        for (int i = 0; i < 4096; i++) crc = table[(crc ^ buf[i]) & 255] ^ (crc >> 8);
        acc = acc * 31 + (unsigned int)~crc;
    }
    return (long long)(acc + (unsigned long long)__builtin_popcount(crc));
}
