/* The colour fields of a collectivité's form: a picker kept in step with
 * the #rrggbb text, and a live preview of both colours. The portal checks
 * the contrast again when the form is saved; this only shows it early. */
"use strict";

(function () {
  function parse(value) {
    var text = (value || "").trim().toLowerCase();
    if (/^#[0-9a-f]{3}$/.test(text)) {
      return "#" + text[1] + text[1] + text[2] + text[2] + text[3] + text[3];
    }
    return /^#[0-9a-f]{6}$/.test(text) ? text : null;
  }

  function luminance(color) {
    var channels = [1, 3, 5].map(function (i) {
      var s = parseInt(color.substr(i, 2), 16) / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function textOn(background) {
    return contrast(background, "#000000") > contrast(background, "#ffffff")
      ? "#000000" : "#ffffff";
  }

  function tint(color) {
    return "#" + [1, 3, 5].map(function (i) {
      var c = parseInt(color.substr(i, 2), 16);
      return ("0" + Math.round(c + (255 - c) * 0.88).toString(16)).slice(-2);
    }).join("");
  }

  ckan.module("haute_garonne-color", function ($) {
    return {
      initialize: function () {
        var picker = this.el.find(".hg-color__picker");
        var text = this.el.find(".hg-color__text");
        picker.on("input change", function () {
          text.val(picker.val()).trigger("input");
        });
        text.on("input change", function () {
          var color = parse(text.val());
          if (color) { picker.val(color); }
        });
      }
    };
  });

  ckan.module("haute_garonne-color-preview", function ($) {
    return {
      options: { minimum: 4.5 },
      initialize: function () {
        var form = this.el.closest("form");
        this.primary = form.find("input[name=primary_color]");
        this.secondary = form.find("input[name=secondary_color]");
        this.ratio = this.el.find(".hg-color-preview__ratio");
        var update = $.proxy(this.update, this);
        this.primary.on("input change", update);
        this.secondary.on("input change", update);
        this.update();
        this.el.attr("data-ready", "true");
      },
      update: function () {
        var primary = parse(this.primary.val());
        var secondary = parse(this.secondary.val());
        var style = this.el[0].style;
        if (primary) {
          style.setProperty("--hg-p-primary", primary);
          style.setProperty("--hg-p-on-primary", textOn(primary));
          style.setProperty("--hg-p-accent", primary);
          secondary = secondary || tint(primary);
        }
        if (secondary) {
          style.setProperty("--hg-p-secondary", secondary);
          style.setProperty("--hg-p-on-secondary", textOn(secondary));
        }
        if (!primary) {
          this.ratio.text("");
          this.el.removeClass("hg-color-preview--too-light");
          return;
        }
        var ratio = Math.floor(contrast(primary, "#ffffff") * 10) / 10;
        var lang = document.documentElement.lang || "fr";
        var shown = ratio.toLocaleString(lang, { minimumFractionDigits: 1 });
        var message = this.ratio.data("template").replace("{ratio}", shown);
        var tooLight = ratio < this.options.minimum;
        if (tooLight) { message += " " + this.ratio.data("too-light"); }
        this.ratio.text(message);
        this.el.toggleClass("hg-color-preview--too-light", tooLight);
      }
    };
  });
})();
