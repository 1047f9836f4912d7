// A password strength hint on the account form: a <meter> and its words (set with textContent).
// The server has the last word (common passwords, the e-mail): this only guides the choice.

export function strength(password) {
  if (password.length < 10) return 0;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const distinct = new Set(password.toLowerCase()).size;
  if (distinct < 4) return 1;
  let score = 1;
  if (password.length >= 14 || kinds >= 3) score += 1;
  if (password.length >= 18 && kinds >= 2 && distinct >= 8) score += 1;
  return Math.min(score, 3);
}

for (const box of document.querySelectorAll(".password-meter")) {
  const input = document.getElementById(box.dataset.for);
  const meter = box.querySelector("meter");
  const words = box.querySelector("p");
  const levels = JSON.parse(box.dataset.levels);
  const update = () => {
    const score = strength(input.value);
    meter.value = score;
    words.textContent = levels[score];
  };
  input.addEventListener("input", update);
  box.hidden = false;
  update();
}
