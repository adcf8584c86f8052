<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ExportDialog</name>
    <message>
        <source>Table (paper | code | venue | summary | notes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dated list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Digest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export paper list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the sections to export; with none checked, all are exported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The list&apos;s name: the README markers &lt;!-- readerapp:begin NAME --&gt; … &lt;!-- readerapp:end NAME --&gt;, and the layout kept by an imported list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>README.md to update between the markers (empty: preview only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished">浏览…</translation>
    </message>
    <message>
        <source>Write note pages into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Style:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sections:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commit with git</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update which file?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (*.md *.markdown);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rendering…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changes to be written (unified diff)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No changes: the file is up to date.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) will change.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to write.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a target file to write the list into.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was written: </source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n file(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HighlightList</name>
    <message>
        <source>No comment yet (double-click to add one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highlight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Underline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>p. %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yellow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Red</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Green</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Purple</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to highlight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit comment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send to Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send to Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send to Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy as Markdown quote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete highlight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No highlights yet.

Select text in the page and press 1–5 for a colour or U to underline; use the area tool for figures and equations.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportSummaryDialog</name>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>Imported: %1   Already in the library: %2   Failed: %3</source>
        <translation>已导入：%1   已在文献库中：%2   失败：%3</translation>
    </message>
    <message>
        <source>Updated: %1</source>
        <translation>已更新：%1</translation>
    </message>
    <message>
        <source>The import was cancelled; the files not listed were not imported.</source>
        <translation>导入已取消；未列出的文件没有导入。</translation>
    </message>
    <message>
        <source>The import stopped: %1</source>
        <translation>导入中止：%1</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Filter by title, author, venue or tag</source>
        <translation>按标题、作者、会议/期刊或标签筛选</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Your library is empty&lt;/h3&gt;&lt;p&gt;Drop PDF files or folders on this window, or use &lt;b&gt;File ▸ Import Files…&lt;/b&gt; or &lt;b&gt;Import Folder…&lt;/b&gt;.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;文献库还是空的&lt;/h3&gt;&lt;p&gt;把 PDF 文件或文件夹拖到此窗口，或使用&lt;b&gt;文件 ▸ 导入文件…&lt;/b&gt;或&lt;b&gt;导入文件夹…&lt;/b&gt;。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>文献库</translation>
    </message>
    <message numerus="yes">
        <source>%n paper(s) added to “%1”</source>
        <translation>
            <numerusform>已将 %n 篇论文加入“%1”</numerusform>
        </translation>
    </message>
    <message>
        <source>Sections and Tags</source>
        <translation>分类与标签</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Import Files…</source>
        <translation>导入文件(&amp;I)…</translation>
    </message>
    <message>
        <source>Import &amp;Folder…</source>
        <translation>导入文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Open PDF…</source>
        <translation>打开 PDF(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Export Notes…</source>
        <translation>导出笔记(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Close Tab</source>
        <translation>关闭标签页(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Library</source>
        <translation>文献库(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Filter Papers</source>
        <translation>筛选论文(&amp;F)</translation>
    </message>
    <message>
        <source>Delete Papers…</source>
        <translation>删除论文…</translation>
    </message>
    <message>
        <source>&amp;Sections and Tags Pane</source>
        <translation>分类与标签面板(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Night Mode</source>
        <translation>夜间模式(&amp;N)</translation>
    </message>
    <message>
        <source>F&amp;ull Screen</source>
        <translation>全屏(&amp;U)</translation>
    </message>
    <message>
        <source>Next Tab</source>
        <translation>下一个标签页</translation>
    </message>
    <message>
        <source>Previous Tab</source>
        <translation>上一个标签页</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>后退(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Forward</source>
        <translation>前进(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About readerapp</source>
        <translation>关于 readerapp(&amp;A)</translation>
    </message>
    <message>
        <source>Library: %1</source>
        <translation>文献库：%1</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message numerus="yes">
        <source>%n paper(s)</source>
        <translation>
            <numerusform>%n 篇论文</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n shown</source>
        <translation>
            <numerusform>显示 %n 篇</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n selected</source>
        <translation>
            <numerusform>已选 %n 篇</numerusform>
        </translation>
    </message>
    <message>
        <source>No paper matches “%1”.</source>
        <translation>没有与“%1”匹配的论文。</translation>
    </message>
    <message>
        <source>No paper here yet.</source>
        <translation>这里还没有论文。</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <source>Set &amp;Status</source>
        <translation>设置状态(&amp;S)</translation>
    </message>
    <message>
        <source>Add to Se&amp;ction</source>
        <translation>加入分类(&amp;C)</translation>
    </message>
    <message>
        <source>Show in &amp;Folder</source>
        <translation>在文件夹中显示(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <source>Delete “%1” from the library, with its notes and highlights?</source>
        <translation>从文献库中删除“%1”及其笔记和高亮？</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n papers from the library, with their notes and highlights?</source>
        <translation>
            <numerusform>从文献库中删除这 %n 篇论文及其笔记和高亮？</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete Papers</source>
        <translation>删除论文</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>This paper has no PDF file.</source>
        <translation>这篇论文没有 PDF 文件。</translation>
    </message>
    <message>
        <source>The folder %1 does not exist any more.</source>
        <translation>文件夹 %1 已不存在。</translation>
    </message>
    <message>
        <source>Cancelling the import…</source>
        <translation>正在取消导入…</translation>
    </message>
    <message>
        <source>Import PDF Files</source>
        <translation>导入 PDF 文件</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Import a Folder of PDFs</source>
        <translation>导入 PDF 文件夹</translation>
    </message>
    <message>
        <source>Open PDF</source>
        <translation>打开 PDF</translation>
    </message>
    <message>
        <source>File not found: %1</source>
        <translation>找不到文件：%1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>An import is already running; wait for it to finish or cancel it.</source>
        <translation>已有导入正在进行；请等待其完成或取消它。</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Importing %1 (%2 of %3)</source>
        <translation>正在导入 %1（第 %2 个，共 %3 个）</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>检索</translation>
    </message>
    <message>
        <source>Searc&amp;h Pane</source>
        <translation>检索面板(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Search Library</source>
        <translation>检索文献库(&amp;S)</translation>
    </message>
    <message>
        <source>Restart readerapp to use the new language or library folder.</source>
        <translation>重新启动 readerapp 后将使用新的语言或文献库文件夹。</translation>
    </message>
    <message>
        <source>The new embedding model is used for the next semantic indexing.</source>
        <translation>下次建立语义索引时将使用新的嵌入模型。</translation>
    </message>
    <message>
        <source>About readerapp</source>
        <translation>关于 readerapp</translation>
    </message>
    <message>
        <source>&lt;h3&gt;readerapp %1&lt;/h3&gt;&lt;p&gt;Read, annotate, search and list research papers, offline.&lt;/p&gt;&lt;p&gt;Library: %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;readerapp %1&lt;/h3&gt;&lt;p&gt;离线阅读、批注、检索和整理研究论文。&lt;/p&gt;&lt;p&gt;文献库：%2&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>MarkdownPreview</name>
    <message>
        <source>Preview (links and images are not loaded)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NoteEditor</name>
    <message>
        <source>One-line summary for paper lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. ResNet, ImageNet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. NeurIPS 2017</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>https://github.com/…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model / dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Venue</source>
        <translation type="unfinished">会议/期刊</translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>comma-separated, e.g. vision, transformer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tags</source>
        <translation type="unfinished">标签</translation>
    </message>
    <message>
        <source>To read</source>
        <translation type="unfinished">待读</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation type="unfinished">在读</translation>
    </message>
    <message>
        <source>Read</source>
        <translation type="unfinished">已读</translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished">状态</translation>
    </message>
    <message>
        <source>Show Markdown preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What problem does the paper address? (Markdown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How do they solve it? (Markdown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What did they find? (Markdown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anything else: ideas, questions, related work (Markdown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Editing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved: %1. Your text is kept here; saving again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All changes saved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PaperTableModel</name>
    <message>
        <source>To read</source>
        <translation>待读</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>在读</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>已读</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Authors</source>
        <translation>作者</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年份</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>会议/期刊</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>添加日期</translation>
    </message>
</context>
<context>
    <name>PdfView</name>
    <message>
        <source>File not found: %1</source>
        <translation>找不到文件：%1</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>Wrong password for %1</source>
        <translation>%1 的密码错误</translation>
    </message>
    <message>
        <source>%1 is password-protected</source>
        <translation>%1 受密码保护</translation>
    </message>
    <message>
        <source>%1 has no pages</source>
        <translation>%1 没有页面</translation>
    </message>
    <message>
        <source>Page %1 could not be rendered: %2</source>
        <translation>第 %1 页无法渲染：%2</translation>
    </message>
</context>
<context>
    <name>ReaderTab</name>
    <message>
        <source>Outline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highlights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back (Alt+Left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forward (Alt+Right)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page number (Enter to go)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit the page width to the window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show whole pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highlight the selection in %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Underline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Underline the selection (U)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Area highlight: drag a rectangle around a figure or equation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Night</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Night mode: light text on a dark page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo: %1 (Ctrl+Z)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redo: %1 (Ctrl+Shift+Z)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find in document (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find in document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous hit (Shift+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next hit (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file was moved or deleted: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your highlights and notes are kept. Locate the file to read it again; if you pick another copy of the paper, the highlights are moved onto it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This PDF is password-protected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter password…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This PDF cannot be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose another file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jumped to page %1 (Alt+Left to go back)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>arXiv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DOI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This entry has no PDF yet (it came from a paper list). Its note and fields are on the right; attach the PDF to read and highlight it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attach PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This paper was deleted from the library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password for %1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locate the PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished">PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Attach a PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not the file that was imported (its contents differ).

Attach it as this paper&apos;s new file? Highlights are moved onto it by their quoted text; those that cannot be found stay where they were.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attaching %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading its text and moving your highlights onto it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Found the file: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attached %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (%1 highlight(s) could not be found in it and stay where they were)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to go back to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no page %1 (1–%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (p. %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This PDF has no table of contents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No hits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drag a rectangle around a figure or equation to highlight it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select some text first (or use the area tool for a figure)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highlight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Area highlight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highlight not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on page %2 saved (Ctrl+Z to undo)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete highlight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highlight deleted (Ctrl+Z to undo)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change colour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comment on the highlight on page %1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quote added to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highlight on page %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — Delete to remove, right-click the list for more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highlight in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highlights (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The note could not be saved; your text was written to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <source>A sentence-transformers model name, or a folder holding a model</source>
        <translation>sentence-transformers 模型名称，或存放模型的文件夹</translation>
    </message>
    <message>
        <source>&amp;Embedding model:</source>
        <translation>嵌入模型(&amp;E)：</translation>
    </message>
    <message>
        <source>Default folder</source>
        <translation>默认文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Library &amp;folder:</source>
        <translation>文献库文件夹(&amp;F)：</translation>
    </message>
    <message>
        <source>A new language or library folder takes effect when readerapp is restarted.</source>
        <translation>更改语言或文献库文件夹后，需重新启动 readerapp 才能生效。</translation>
    </message>
    <message>
        <source>Library folder</source>
        <translation>文献库文件夹</translation>
    </message>
    <message>
        <source>The model folder %1 does not exist.</source>
        <translation>模型文件夹 %1 不存在。</translation>
    </message>
    <message>
        <source>“%1” is not a model name (like all-MiniLM-L6-v2 or an organisation/model name) or a folder.</source>
        <translation>“%1”既不是模型名称（如 all-MiniLM-L6-v2 或“组织/模型”形式的名称），也不是文件夹。</translation>
    </message>
    <message>
        <source>The library folder must be an absolute path.</source>
        <translation>文献库文件夹必须是绝对路径。</translation>
    </message>
    <message>
        <source>%1 is a file, not a folder.</source>
        <translation>%1 是文件，不是文件夹。</translation>
    </message>
    <message>
        <source>The folder %1 is read-only.</source>
        <translation>文件夹 %1 是只读的。</translation>
    </message>
    <message>
        <source>The folder %1 cannot be created here.</source>
        <translation>无法在此处创建文件夹 %1。</translation>
    </message>
    <message>
        <source>The settings could not be saved: %1</source>
        <translation>无法保存设置：%1</translation>
    </message>
</context>
<context>
    <name>SidebarTree</name>
    <message>
        <source>All papers</source>
        <translation>全部论文</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Right-click to add a section; drag papers onto a section</source>
        <translation>右键单击可新建分类；把论文拖到分类上即可归入该分类</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>New section…</source>
        <translation>新建分类…</translation>
    </message>
    <message>
        <source>New subsection…</source>
        <translation>新建子分类…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete section</source>
        <translation>删除分类</translation>
    </message>
    <message>
        <source>New section</source>
        <translation>新建分类</translation>
    </message>
    <message>
        <source>Section name:</source>
        <translation>分类名称：</translation>
    </message>
    <message>
        <source>Rename section</source>
        <translation>重命名分类</translation>
    </message>
    <message>
        <source>Delete the section “%1” and its subsections? The papers stay in the library.</source>
        <translation>删除分类“%1”及其子分类？论文仍保留在文献库中。</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>readerapp cannot open the library</source>
        <translation>readerapp 无法打开文献库</translation>
    </message>
    <message>
        <source>No paper with id %1.</source>
        <translation>没有编号为 %1 的论文。</translation>
    </message>
</context>
</TS>
