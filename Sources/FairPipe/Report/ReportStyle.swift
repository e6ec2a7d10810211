/// The report's inline stylesheet and its one small script (table sorting).
///
/// Kept as constants so every report carries the same bytes. No `url(…)`, `@import` or web
/// fonts: the file must open identically offline and in an archive years from now.
enum ReportStyle {
    static let css = """
        :root{--ink:#1d2330;--muted:#5b6474;--line:#d9dde5;--soft:#f4f6f9;--pass:#1a7f37;--warn:#b7791f;--fail:#c62828;--accent:#0072B2}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
        header.top{background:linear-gradient(135deg,#0b3d62,#0072B2);color:#fff;padding:28px 40px 18px}
        header.top h1{margin:0 0 4px;font-size:28px;font-weight:650;letter-spacing:-.01em}
        header.top .sub{margin:0;opacity:.85;font-size:13.5px}
        nav.toc{display:flex;flex-wrap:wrap;gap:6px 14px;margin-top:14px;font-size:13px}
        nav.toc a{color:#fff;text-decoration:none;opacity:.9;border-bottom:1px solid rgba(255,255,255,.35)}
        main{max-width:1180px;margin:0 auto;padding:8px 40px 40px}
        section{margin-top:34px}
        h2{font-size:21px;margin:0 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}
        h3{font-size:16px;margin:22px 0 8px}
        h4{font-size:14px;margin:16px 0 6px;color:var(--muted)}
        h5{font-size:13.5px;margin:12px 0 4px}
        p.note{color:var(--muted);font-style:italic;margin:6px 0}
        .verdict{display:flex;gap:18px;align-items:center;padding:16px 20px;border-radius:10px;border:1px solid var(--line);background:var(--soft)}
        .light{width:58px;height:58px;border-radius:50%;flex:none;box-shadow:inset 0 -4px 0 rgba(0,0,0,.15)}
        .light.pass{background:var(--pass)}.light.warn{background:var(--warn)}.light.fail{background:var(--fail)}.light.unknown{background:#9aa3b2}
        .verdict .headline{font-size:20px;font-weight:650;margin:0}
        .verdict.fail .headline{color:var(--fail)}.verdict.pass .headline{color:var(--pass)}.verdict.warn .headline{color:var(--warn)}
        ol.concerns{margin:10px 0 0;padding-left:22px}
        ol.concerns li{margin:4px 0}
        .dot{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:6px;vertical-align:-1px}
        .dot.pass{background:var(--pass)}.dot.fail{background:var(--fail)}.dot.warn{background:var(--warn)}
        .scroll{overflow-x:auto;margin:6px 0 10px;max-width:100%}
        .scroll.box{max-height:560px;overflow:auto;border:1px solid var(--line);border-radius:6px}
        table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
        th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap;vertical-align:top}
        th{background:var(--soft);font-weight:600;position:sticky;top:0}
        th:first-child,td:first-child,td.text,th.text{text-align:left}
        td.wrap{white-space:normal;min-width:220px;text-align:left}
        table.sortable th{cursor:pointer}
        table.sortable th[aria-sort=ascending]::after{content:" \\25B2";font-size:9px}
        table.sortable th[aria-sort=descending]::after{content:" \\25BC";font-size:9px}
        tr:hover td{background:#fafbfd}
        .ci{color:var(--muted);font-size:11.5px}
        .na{color:#9aa3b2}
        .bad{color:var(--fail);font-weight:600}.good{color:var(--pass);font-weight:600}
        .tag{display:inline-block;font-size:11px;padding:0 6px;border-radius:8px;background:#fdecea;color:var(--fail);margin-left:4px}
        .tag.ok{background:#e6f4ea;color:var(--pass)}
        .share{display:inline-block;height:8px;background:var(--accent);border-radius:2px;vertical-align:middle;margin-right:6px;opacity:.75}
        code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
        pre{background:var(--soft);padding:10px 12px;border-radius:6px;overflow-x:auto;max-height:360px}
        .hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11.5px;color:var(--muted)}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:18px}
        .grid.wide{grid-template-columns:1fr}
        .grid.pair{grid-template-columns:minmax(0,1fr) 380px;align-items:start}
        .grid.key{grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:14px}
        .grid.wide svg.chart{max-width:980px;margin:0 auto}
        figure{margin:0;padding:10px;border:1px solid var(--line);border-radius:8px;background:#fff;break-inside:avoid}
        figcaption{font-size:12.5px;color:var(--muted);margin-top:4px}
        svg.chart{max-width:100%;height:auto;display:block;font-size:11px;font-family:inherit}
        svg.chart .bg{fill:#fff}
        svg.chart .ctitle{font-size:14px;font-weight:650;fill:var(--ink)}
        svg.chart .csub{font-size:11px;fill:var(--muted)}
        svg.chart text{fill:#333}
        svg.chart .tick{fill:#555}
        svg.chart .alabel{fill:#333;font-weight:600}
        svg.chart .grid{stroke:#e6e9ef;stroke-width:1}
        svg.chart .axisline{stroke:#666;stroke-width:1}
        svg.chart .whisker{stroke:#222;stroke-width:1.3;fill:none}
        svg.chart .line{fill:none;stroke-width:2.2}
        svg.chart .line.ice{stroke-width:0.7;stroke-opacity:0.3}
        svg.chart .diag{stroke:#999;stroke-dasharray:4 4}
        svg.chart .ref line{stroke-width:1.5;stroke-dasharray:6 4}
        svg.chart .ref text{font-size:10.5px;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
        svg.chart .dominated{opacity:.35}
        svg.chart .whisker.dominated{opacity:.18}
        svg.chart .whisker.front{opacity:.5}
        svg.chart circle.front{stroke:#000;stroke-width:1}
        svg.chart .plabel{font-size:10px;fill:var(--muted);paint-order:stroke;stroke:#fff;stroke-width:2.5px;stroke-linejoin:round}
        svg.chart .leader{stroke:#9aa3b2;stroke-width:.8}
        svg.chart .mark:hover{opacity:.8}
        dl.card{display:grid;grid-template-columns:220px 1fr;gap:8px 18px;margin:0}
        dl.card dt{font-weight:600;color:var(--muted)}
        dl.card dd{margin:0}
        details summary{cursor:pointer;color:var(--accent)}
        caption{text-align:left;color:var(--muted);font-size:12.5px;padding:0 0 4px}
        tr.flag td{background:#fff4e5}
        tr.flag:hover td{background:#ffeccc}
        ul.lights{list-style:none;padding:0;margin:6px 0 10px}
        ul.lights li{margin:3px 0}
        ul.lights ul{margin:2px 0 4px;padding-left:36px;color:var(--ink);font-size:13.5px}
        .dot.unknown{background:#9aa3b2}
        details.fold{margin:8px 0}
        .banner{padding:8px 12px;border-radius:6px;background:#fff4e5;border:1px solid #f0c36d;margin:8px 0}
        footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);margin-top:40px}
        footer .inner{max-width:1180px;margin:0 auto;padding:10px 40px 24px}
        @media (max-width:700px){main{padding:8px 14px}header.top{padding:20px 14px}.grid{grid-template-columns:1fr}dl.card{grid-template-columns:1fr}}
        @media print{
        body{font-size:11pt}
        header.top{background:none;color:var(--ink);padding:0 0 8px;border-bottom:2px solid var(--ink)}
        nav.toc{display:none}
        main{max-width:none;padding:0}
        section{break-before:page;page-break-before:always;margin-top:0}
        section#verdict{break-before:auto;page-break-before:auto}
        figure,table,.verdict{break-inside:avoid;page-break-inside:avoid}
        .grid{display:block}figure{margin-bottom:12px}
        .scroll,.scroll.box{overflow:visible;max-height:none}
        th{position:static}
        table{font-size:8pt}th,td{padding:2px 5px}.ci{font-size:7pt}
        pre{max-height:none;white-space:pre-wrap}
        details{display:block}
        .light{print-color-adjust:exact;-webkit-print-color-adjust:exact}
        }
        """

    /// Click a header of a `table.sortable` to sort by that column (numbers by `data-sort`).
    /// The report reads fully without it.
    static let script = """
        (function(){
        function key(td){if(!td)return "";var s=td.getAttribute("data-sort");if(s!==null&&s!==""&&!isNaN(Number(s)))return Number(s);return (s!==null?s:td.textContent).trim();}
        var heads=document.querySelectorAll("table.sortable th");
        for(var h=0;h<heads.length;h++){(function(th){th.addEventListener("click",function(){
        var table=th.closest("table"),body=table.tBodies[0];if(!body)return;
        var index=Array.prototype.indexOf.call(th.parentNode.children,th);
        var asc=th.getAttribute("aria-sort")!=="ascending";
        var all=table.querySelectorAll("th");for(var i=0;i<all.length;i++)all[i].removeAttribute("aria-sort");
        th.setAttribute("aria-sort",asc?"ascending":"descending");
        var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(r1,r2){var a=key(r1.cells[index]),b=key(r2.cells[index]);var c;
        if(typeof a==="number"&&typeof b==="number")c=a-b;else c=String(a).localeCompare(String(b));return asc?c:-c;});
        for(var r=0;r<rows.length;r++)body.appendChild(rows[r]);});})(heads[h]);}
        document.documentElement.setAttribute("data-height",String(document.documentElement.scrollHeight));
        document.documentElement.setAttribute("data-script","ready");
        window.addEventListener("beforeprint",function(){var d=document.querySelectorAll("details");for(var i=0;i<d.length;i++)d[i].setAttribute("open","");});
        })();
        """
}
