// ClopperPearson: exact binomial confidence bounds for the leak rate, from the regularized incomplete beta function.
import Foundation

/// swift-numerics has no beta quantile and no well-kept Swift package offers one, so it is here:
/// the incomplete beta by its continued fraction (modified Lentz), the quantile by bisection,
/// checked in the tests against scipy.stats.beta.ppf.
public enum ClopperPearson {
    /// The one-sided upper bound of a proportion at `confidence`: the p for which seeing at most
    /// `failures` in `trials` has probability 1 - confidence, i.e. Beta(confidence; x + 1, n - x).
    /// The upper end of the two-sided 95% interval is `upperBound(..., confidence: 0.975)`.
    public static func upperBound(failures: Int, trials: Int, confidence: Double = 0.95) -> Double {
        precondition(failures >= 0 && failures <= max(trials, 0) && confidence > 0 && confidence < 1)
        guard trials > 0, failures < trials else { return 1 }
        if failures == 0 {
            // Beta(1, n): the quantile has a closed form; expm1/log1p keep it exact for large n.
            return -expm1(log1p(-confidence) / Double(trials))
        }
        return betaQuantile(confidence, a: Double(failures + 1), b: Double(trials - failures))
    }

    /// How many more checks, all clean, bring the upper bound strictly under `target`; nil when more
    /// than a trillion would be needed.
    public static func cleanChecksNeeded(failures: Int, trials: Int, target: Double = 0.0001, confidence: Double = 0.95) -> Int? {
        func enough(_ extra: Int) -> Bool { upperBound(failures: failures, trials: trials + extra, confidence: confidence) < target }
        if enough(0) { return 0 }
        var high = 1
        while !enough(high) {
            guard high < 1_000_000_000_000 else { return nil }
            high *= 2
        }
        var low = high / 2 // not enough
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if enough(middle) { high = middle } else { low = middle }
        }
        return high
    }

    /// The p with I_p(a, b) = probability, by bisection: I is increasing in p, so this cannot miss.
    public static func betaQuantile(_ probability: Double, a: Double, b: Double) -> Double {
        var low = 0.0, high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if regularizedIncompleteBeta(middle, a: a, b: b) < probability { low = middle } else { high = middle }
            if high - low <= 1e-15 * max(high, 1e-300) { break }
        }
        return (low + high) / 2
    }

    /// I_x(a, b), the regularized incomplete beta function (the Beta(a, b) distribution function).
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        // The continued fraction converges fast for x below the mean; above it, use I_x(a,b) = 1 - I_{1-x}(b,a).
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    /// The continued fraction of I_x(a, b) (Abramowitz & Stegun 26.5.8), by the modified Lentz method.
    static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-16
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...100_000 {
            let m = Double(m)
            // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
            var term = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
            term = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let change = d * c
            result *= change
            if abs(change - 1) < epsilon { break }
        }
        return result
    }
}
