// Run only by browsers without ES modules (<script nomodule>): they cannot run the phone pages
// (docs/phone-pages.md), so they say so in words instead of showing a blank page. ES5 on purpose.
(function () {
  var page = location.pathname.indexOf('/screen') >= 0 ? 'screen' : location.pathname.indexOf('/village') >= 0 ? 'village' : 'vote';
  var text = {
    vote: '这部手机的浏览器版本太旧，打不开测评页面。请用手机自带的浏览器或新版微信扫码，或向工作人员领取纸质选票。',
    village: '这部手机的浏览器版本太旧，打不开本页。请用手机自带的浏览器或新版微信打开。',
    screen: '这台设备的浏览器版本太旧，打不开大屏页面。请换用电脑或新版浏览器打开大屏链接。'
  }[page];
  var app = document.getElementById('app');
  if (app) app.innerHTML = '<p class="error legacy" role="alert">' + text + '</p>';
})();
