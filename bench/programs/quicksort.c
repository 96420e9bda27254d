// Quicksort (Lomuto partition, recursive) of n pseudo-random i32s.
#define MAX 1000000
static int data[MAX];

static void sort(int *v, int lo, int hi) {
    while (lo < hi) {
        int pivot = v[hi];
        int i = lo;
        for (int j = lo; j < hi; j++) {
            if (v[j] < pivot) {
                int t = v[i]; v[i] = v[j]; v[j] = t;
                i++;
            }
        }
        int t = v[i]; v[i] = v[hi]; v[hi] = t;
        sort(v, lo, i - 1);
        lo = i + 1;
    }
}

long long quicksort(int n) {
    if (n > MAX) n = MAX;
    unsigned int seed = 12345;
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = (int)(seed >> 1);
    }
    sort(data, 0, n - 1);
    long long check = 0;
    for (int i = 0; i < n; i++) check = check * 31 + data[i];
    return check;
}
