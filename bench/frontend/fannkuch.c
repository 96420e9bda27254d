// Array permutation: fannkuch-redux over the permutations of n elements
// (n <= 12) in local arrays; returns checksum * 1000 + the most flips.
// Twin of fannkuch.nf.
long long fannkuch(int n) {
    if (n > 12) n = 12;
    if (n < 1) return 0;
    int perm[16], perm1[16], count[16];
    for (int i = 0; i < n; i++) perm1[i] = i;
    int r = n, maxflips = 0, checksum = 0, permcount = 0;
    for (;;) {
        while (r != 1) {
            count[r - 1] = r;
            r--;
        }
        for (int i = 0; i < n; i++) perm[i] = perm1[i];
        int flips = 0;
        int k = perm[0];
        while (k != 0) {
            int k2 = (k + 1) >> 1;
            for (int i = 0; i < k2; i++) {
                int t = perm[i];
                perm[i] = perm[k - i];
                perm[k - i] = t;
            }
            flips++;
            k = perm[0];
        }
        if (flips > maxflips) maxflips = flips;
        if (permcount % 2 == 0) checksum += flips;
        else checksum -= flips;
        for (;;) {
            if (r == n) return (long long)checksum * 1000 + maxflips;
            int perm0 = perm1[0];
            for (int i = 0; i < r; i++) perm1[i] = perm1[i + 1];
            perm1[r] = perm0;
            count[r]--;
            if (count[r] > 0) break;
            r++;
        }
        permcount++;
    }
}
