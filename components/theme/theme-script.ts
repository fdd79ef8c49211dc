// Shared by the root layout (server) and the theme toggle (client); a plain module so both can import it.
export const THEME_STORAGE_KEY = "rulebox-theme";
const STORAGE_KEY = THEME_STORAGE_KEY;

/** Runs inline in <head> before paint so the page never flashes the wrong theme. */
export const THEME_BOOT_SCRIPT = `(function(){try{var m=window.matchMedia("(prefers-color-scheme: dark)");var apply=function(){var q=localStorage.getItem("${STORAGE_KEY}");document.documentElement.dataset.theme=q==="dark"||(q!=="light"&&m.matches)?"dark":"light";};apply();m.addEventListener("change",apply);}catch(e){}})();`;
