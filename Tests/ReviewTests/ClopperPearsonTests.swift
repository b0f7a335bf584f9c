// Tests of the Clopper-Pearson bounds against scipy.stats.beta.ppf and the rule-of-three figures QA officers know.
import Foundation
import Review
import Testing

/// (failures, trials, scipy beta.ppf(0.95, x+1, n-x), beta.ppf(0.975, x+1, n-x)), from scipy 1.x.
let scipyBounds: [(Int, Int, Double, Double)] = [
    (0, 10, 0.2588655508930522, 0.3084971078187607),
    (1, 100, 0.046559811453538935, 0.054459385392080645),
    (0, 29956, 9.999941531978722e-05, 0.0001231356767632056),
    (0, 29955, 0.00010000275347418697, 0.00012313978719869225),
    (2, 500, 0.012537605409672668, 0.014374078562200309),
    (5, 1000, 0.010484076911415651, 0.011629470559812147),
    (10, 30, 0.49943869717595263, 0.5281200447898806),
    (0, 1, 0.95, 0.975),
    (3, 5000, 0.001549994279706198, 0.0017524436033960471),
    (50, 100000, 0.0006328286928247058, 0.0006591351958693719),
]

@Test(arguments: scipyBounds.indices)
func upperBoundsMatchScipy(_ index: Int) {
    let (x, n, oneSided, twoSided) = scipyBounds[index]
    let upper = ClopperPearson.upperBound(failures: x, trials: n)
    #expect(abs(upper - oneSided) <= 1e-9 * oneSided, "\(x)/\(n): \(upper) vs \(oneSided)")
    let upper975 = ClopperPearson.upperBound(failures: x, trials: n, confidence: 0.975)
    #expect(abs(upper975 - twoSided) <= 1e-9 * twoSided, "\(x)/\(n) at 0.975: \(upper975) vs \(twoSided)")
}

@Test func theFiguresOfTheIssue() {
    // 0 failures in 29956 clean checks: the one-sided 95% bound is just under 0.01%.
    #expect(ClopperPearson.upperBound(failures: 0, trials: 29956) < 0.0001)
    #expect(ClopperPearson.upperBound(failures: 0, trials: 29955) > 0.0001)
    #expect(abs(ClopperPearson.upperBound(failures: 0, trials: 10) - 0.2589) < 0.00005)
    // 1/100 -> 0.0545 is the upper end of the two-sided 95% interval (beta 0.975 quantile).
    #expect(abs(ClopperPearson.upperBound(failures: 1, trials: 100, confidence: 0.975) - 0.0545) < 0.00005)
    #expect(ClopperPearson.upperBound(failures: 0, trials: 0) == 1)
    #expect(ClopperPearson.upperBound(failures: 4, trials: 4) == 1)
}

@Test func cleanChecksNeededToReachTheTarget() {
    // scipy: the smallest m with beta.ppf(0.95, x+1, n+m-x) < 1e-4.
    #expect(ClopperPearson.cleanChecksNeeded(failures: 0, trials: 0) == 29956)
    #expect(ClopperPearson.cleanChecksNeeded(failures: 0, trials: 100) == 29856)
    #expect(ClopperPearson.cleanChecksNeeded(failures: 1, trials: 1) == 47436)
    #expect(ClopperPearson.cleanChecksNeeded(failures: 2, trials: 500) == 62456)
    #expect(ClopperPearson.cleanChecksNeeded(failures: 0, trials: 40000) == 0)
}

@Test func theIncompleteBetaIsTheDistributionFunction() {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1-x)^b; symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
    for x in [0.01, 0.3, 0.5, 0.77, 0.99] {
        #expect(abs(ClopperPearson.regularizedIncompleteBeta(x, a: 1, b: 1) - x) < 1e-14)
        #expect(abs(ClopperPearson.regularizedIncompleteBeta(x, a: 3, b: 1) - pow(x, 3)) < 1e-13)
        #expect(abs(ClopperPearson.regularizedIncompleteBeta(x, a: 1, b: 4) - (1 - pow(1 - x, 4))) < 1e-13)
        let sum = ClopperPearson.regularizedIncompleteBeta(x, a: 2.5, b: 7) + ClopperPearson.regularizedIncompleteBeta(1 - x, a: 7, b: 2.5)
        #expect(abs(sum - 1) < 1e-13)
    }
}
