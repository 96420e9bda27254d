// Sieve of Eratosthenes over a static byte array: count the primes <= n.
#define MAX 4000000
static unsigned char composite[MAX + 1];

long long sieve(int n) {
    if (n > MAX) n = MAX;
    __builtin_memset(composite, 0, (unsigned long)n + 1);
    long long count = 0;
    for (int i = 2; i <= n; i++) {
        if (!composite[i]) {
            count++;
            for (long long j = (long long)i * i; j <= n; j += i) composite[j] = 1;
        }
    }
    return count;
}
