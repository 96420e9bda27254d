// Dense f64 matrix multiply, n x n (n <= 160), row-major static arrays.
#define MAX 160
static double a[MAX * MAX], b[MAX * MAX], c[MAX * MAX];

long long matmul(int n) {
    if (n > MAX) n = MAX;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * 7 + j * 3) % 11) - 5.0;
            b[i * n + j] = (double)((i * 5 + j * 2) % 13) * 0.5;
        }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double sum = 0.0;
            for (int k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
            c[i * n + j] = sum;
        }
    double total = 0.0;
    for (int i = 0; i < n * n; i++) total += c[i] * (double)(i % 7 + 1);
    return (long long)total;
}
