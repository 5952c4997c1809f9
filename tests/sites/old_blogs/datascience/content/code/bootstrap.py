import random


def bootstrap(sample, statistic, rounds=1000):
    """The statistic of `rounds` resamples of `sample`, drawn with replacement."""
    return [statistic(random.choices(sample, k=len(sample))) for _ in range(rounds)]
