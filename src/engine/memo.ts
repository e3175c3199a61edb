/**
 * A pure function of a string, remembered: the engine asks the same few dozen header names and
 * URLs again and again, across calls. At most `max` answers are kept; all are forgotten when full
 * (hostile pages may send endless distinct strings).
 */
export function memoizedByString<V>(compute: (key: string) => V, max: number): (key: string) => V {
  const answers = new Map<string, V>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = compute(key);
      if (answers.size >= max) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  };
}
