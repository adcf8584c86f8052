<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export paper list</source>
        <translation>导出论文列表</translation>
    </message>
    <message>
        <source>Check the sections to export; with none checked, all are exported</source>
        <translation>勾选要导出的分类；未勾选任何分类时导出全部</translation>
    </message>
    <message>
        <source>The list&apos;s name: the README markers &lt;!-- readerapp:begin NAME --&gt; … &lt;!-- readerapp:end NAME --&gt;, and the layout kept by an imported list</source>
        <translation>列表名称：即 README 中的标记 &lt;!-- readerapp:begin NAME --&gt; … &lt;!-- readerapp:end NAME --&gt;，以及导入列表时保留的版式</translation>
    </message>
    <message>
        <source>README.md to update between the markers (empty: preview only)</source>
        <translation>要在标记之间更新的 README.md（留空：仅预览）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Write note pages into</source>
        <translation>将笔记页面写入</translation>
    </message>
    <message>
        <source>Style:</source>
        <translation>样式：</translation>
    </message>
    <message>
        <source>Sections:</source>
        <translation>分类：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>List name:</source>
        <translation>列表名称：</translation>
    </message>
    <message>
        <source>Target file:</source>
        <translation>目标文件：</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Rendered</source>
        <translation>渲染效果</translation>
    </message>
    <message>
        <source>Copy Markdown</source>
        <translation>复制 Markdown</translation>
    </message>
    <message>
        <source>Copy the list&apos;s Markdown to the clipboard</source>
        <translation>将列表的 Markdown 复制到剪贴板</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>写入</translation>
    </message>
    <message>
        <source>Commit with git</source>
        <translation>用 git 提交</translation>
    </message>
    <message>
        <source>Update which file?</source>
        <translation>更新哪个文件？</translation>
    </message>
    <message>
        <source>Markdown (*.md *.markdown);;All files (*)</source>
        <translation>Markdown (*.md *.markdown);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Rendering…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>Changes to be written (unified diff)</source>
        <translation>将写入的更改（统一差异格式）</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>改动</translation>
    </message>
    <message>
        <source>No changes: the file is up to date.</source>
        <translation>无更改：文件已是最新。</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) will change.</source>
        <translation>
            <numerusform>将更改 %n 个文件。</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to write.</source>
        <translation>没有需要写入的内容。</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n file(s):</source>
        <translation>
            <numerusform>已写入 %n 个文件：</numerusform>
        </translation>
    </message>
    <message>
        <source>Export written</source>
        <translation>导出完成</translation>
    </message>
    <message numerus="yes">
        <source>Copied the Markdown (%n line(s)) to the clipboard.</source>
        <translation>
            <numerusform>已将 Markdown（%n 行）复制到剪贴板。</numerusform>
        </translation>
    </message>
    <message>
        <source>No table yet: the list has no papers in these sections.</source>
        <translation>还没有表格：这些分组中没有论文。</translation>
    </message>
    <message>
        <source>Columns: %1</source>
        <translation>列：%1</translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <source>Table (one per section)</source>
        <translation>表格（每个分组一张）</translation>
    </message>
    <message>
        <source>Dated list (- YYYYMMDD VENUE comment：[Title](url))</source>
        <translation>按日期列表（- YYYYMMDD 会议 评语：[标题](url)）</translation>
    </message>
    <message>
        <source>By venue (## VENUE YEAR, ### topic, [【Title】](url))</source>
        <translation>按会议（## 会议 年份，### 主题，[【标题】](url)）</translation>
    </message>
    <message>
        <source>Digest (bold title, tags, summary, paper and code links)</source>
        <translation>文摘（粗体标题、标签、简介、论文与代码链接）</translation>
    </message>
    <message>
        <source>Choose a target file to write the list into.</source>
        <translation>请选择要写入列表的目标文件。</translation>
    </message>
    <message>
        <source>Writing…</source>
        <translation>正在写入…</translation>
    </message>
    <message>
        <source>Nothing was written: </source>
        <translation>未写入任何内容：</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n file(s).</source>
        <translation>
            <numerusform>已写入 %n 个文件。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HighlightList</name>
    <message>
        <source>No comment yet (double-click to add one)</source>
        <translation>暂无批注（双击添加）</translation>
    </message>
    <message>
        <source>Highlight</source>
        <translation>高亮</translation>
    </message>
    <message>
        <source>Underline</source>
        <translation>下划线</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>p. %1 · %2</source>
        <translation>第 %1 页 · %2</translation>
    </message>
    <message>
        <source>Yellow</source>
        <translation>黄色</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>红色</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>绿色</translation>
    </message>
    <message>
        <source>Blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <source>Purple</source>
        <translation>紫色</translation>
    </message>
    <message>
        <source>Go to highlight</source>
        <translation>跳转到高亮</translation>
    </message>
    <message>
        <source>Edit comment…</source>
        <translation>编辑批注…</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>颜色</translation>
    </message>
    <message>
        <source>Send to Problem</source>
        <translation>发送到“问题”</translation>
    </message>
    <message>
        <source>Send to Method</source>
        <translation>发送到“方法”</translation>
    </message>
    <message>
        <source>Send to Results</source>
        <translation>发送到“结果”</translation>
    </message>
    <message>
        <source>Copy as Markdown quote</source>
        <translation>复制为 Markdown 引用</translation>
    </message>
    <message>
        <source>Delete highlight</source>
        <translation>删除高亮</translation>
    </message>
    <message>
        <source>No highlights yet.

Select text in the page and press 1–5 for a colour or U to underline; use the area tool for figures and equations.</source>
        <translation>暂无高亮。

在页面中选中文字后按 1–5 选择颜色，或按 U 添加下划线；图表和公式请使用区域工具。</translation>
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
    <name>LinkPolicy</name>
    <message>
        <source>Open this link?</source>
        <translation>打开这个链接吗？</translation>
    </message>
    <message>
        <source>This link is not a web page: %1.

%2

Open it?</source>
        <translation>这个链接不是网页：%1。

%2

要打开吗？</translation>
    </message>
    <message>
        <source>Link not opened</source>
        <translation>未打开链接</translation>
    </message>
    <message>
        <source>readerapp did not open this link: %1.

%2</source>
        <translation>readerapp 没有打开这个链接：%1。

%2</translation>
    </message>
</context>
<context>
    <name>LookupDialog</name>
    <message>
        <source>Look Up Online</source>
        <translation>在线查询</translation>
    </message>
    <message>
        <source>%1 has other metadata for “%2”. Keep the changes to write:</source>
        <translation>%1 为“%2”给出了不同的元数据。勾选要写入的更改：</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>写入</translation>
    </message>
    <message>
        <source>Online lookup is off: readerapp works offline unless you allow it. Turn it on, so that readerapp may ask arXiv, Crossref and DBLP about this paper&apos;s title, authors, year and venue?</source>
        <translation>在线查询已关闭：除非你允许，readerapp 始终离线工作。要打开它，让 readerapp 向 arXiv、Crossref 和 DBLP 查询这篇论文的标题、作者、年份和收录信息吗？</translation>
    </message>
    <message>
        <source>Looking up “%1” online…</source>
        <translation>正在在线查询“%1”…</translation>
    </message>
    <message>
        <source>No source knows this paper by its arXiv id, DOI or title.</source>
        <translation>没有来源能按 arXiv 编号、DOI 或标题找到这篇论文。</translation>
    </message>
    <message>
        <source>%1 agrees with what the library has.</source>
        <translation>%1 的信息与文献库一致。</translation>
    </message>
    <message>
        <source>Lookup failed: %1</source>
        <translation>查询失败：%1</translation>
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
        <source>&amp;Sepia Pages</source>
        <translation>护眼（棕褐）页面(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Two Pages Side by Side</source>
        <translation>双页并排(&amp;T)</translation>
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
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Edit the Selected Paper&apos;s Cell</source>
        <translation>编辑所选论文的单元格</translation>
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
        <source>&amp;Remove from Section</source>
        <translation>从分组中移除(&amp;R)</translation>
    </message>
    <message>
        <source>Show in &amp;Folder</source>
        <translation>在文件夹中显示(&amp;F)</translation>
    </message>
    <message>
        <source>Look &amp;Up Online…</source>
        <translation>在线查询(&amp;U)…</translation>
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
        <source>Searc&amp;h Pane</source>
        <translation>检索面板(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Search Library</source>
        <translation>检索文献库(&amp;S)</translation>
    </message>
    <message>
        <source>Papers &amp;Like This</source>
        <translation>相似论文(&amp;L)</translation>
    </message>
    <message>
        <source>Semantic search: %1</source>
        <translation>语义搜索：%1</translation>
    </message>
    <message>
        <source>Preparing semantic search: %1 of %2</source>
        <translation>正在准备语义搜索：%1/%2</translation>
    </message>
    <message>
        <source>Open or select a paper first</source>
        <translation>请先打开或选择一篇论文</translation>
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
        <source>Preview (images are not loaded; links open after a safety check)</source>
        <translation>预览（不加载图片；链接经安全检查后打开）</translation>
    </message>
    <message>
        <source>The preview shows the first %1 characters of this field.</source>
        <translation>预览只显示此字段的前 %1 个字符。</translation>
    </message>
</context>
<context>
    <name>MetadataEditor</name>
    <message>
        <source>Edit %1</source>
        <translation>编辑%1</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
</context>
<context>
    <name>NoteEditor</name>
    <message>
        <source>One-line summary for paper lists</source>
        <translation>用于论文列表的一句话简介</translation>
    </message>
    <message>
        <source>e.g. ResNet, ImageNet</source>
        <translation>例如 ResNet, ImageNet</translation>
    </message>
    <message>
        <source>e.g. NeurIPS 2017</source>
        <translation>例如 NeurIPS 2017</translation>
    </message>
    <message>
        <source>https://github.com/…</source>
        <translation>https://github.com/…</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>简介</translation>
    </message>
    <message>
        <source>Model / dataset</source>
        <translation>模型/数据集</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>会议/期刊</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>comma-separated, e.g. vision, transformer</source>
        <translation>以逗号分隔，例如 vision, transformer</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
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
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Show Markdown preview</source>
        <translation>显示 Markdown 预览</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>What problem does the paper address? (Markdown)</source>
        <translation>论文要解决什么问题？（Markdown）</translation>
    </message>
    <message>
        <source>How do they solve it? (Markdown)</source>
        <translation>他们如何解决？（Markdown）</translation>
    </message>
    <message>
        <source>What did they find? (Markdown)</source>
        <translation>得到了什么结果？（Markdown）</translation>
    </message>
    <message>
        <source>Anything else: ideas, questions, related work (Markdown)</source>
        <translation>其他：想法、疑问、相关工作（Markdown）</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>无标题</translation>
    </message>
    <message>
        <source>Editing…</source>
        <translation>正在编辑…</translation>
    </message>
    <message>
        <source>Not saved: %1. Your text is kept here; saving again…</source>
        <translation>未保存：%1。您的文本仍保留在此处；正在重新保存…</translation>
    </message>
    <message>
        <source>Note not saved: %1</source>
        <translation>笔记未保存：%1</translation>
    </message>
    <message>
        <source>All changes saved</source>
        <translation>所有更改已保存</translation>
    </message>
</context>
<context>
    <name>PaperDetailsForm</name>
    <message>
        <source>Paper details</source>
        <translation>论文信息</translation>
    </message>
    <message>
        <source>A. Author; B. Author</source>
        <translation>作者甲; 作者乙</translation>
    </message>
    <message>
        <source>e.g. 2017</source>
        <translation>例如 2017</translation>
    </message>
    <message>
        <source>e.g. NeurIPS 2017</source>
        <translation>例如 NeurIPS 2017</translation>
    </message>
    <message>
        <source>e.g. 1706.03762</source>
        <translation>例如 1706.03762</translation>
    </message>
    <message>
        <source>e.g. 10.1145/…</source>
        <translation>例如 10.1145/…</translation>
    </message>
    <message>
        <source>https://…</source>
        <translation>https://…</translation>
    </message>
    <message>
        <source>https://github.com/…</source>
        <translation>https://github.com/…</translation>
    </message>
    <message>
        <source>Set by hand: metadata extraction will not change it</source>
        <translation>手动设置：元数据提取不会更改它</translation>
    </message>
    <message>
        <source>%1 not saved: %2</source>
        <translation>%1 未保存：%2</translation>
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
    <message>
        <source>arXiv id</source>
        <translation>arXiv 编号</translation>
    </message>
    <message>
        <source>DOI</source>
        <translation>DOI</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>网址</translation>
    </message>
    <message>
        <source>Code URL</source>
        <translation>代码地址</translation>
    </message>
    <message>
        <source>Set by hand: metadata extraction will not change it</source>
        <translation>手动设置：元数据提取不会更改它</translation>
    </message>
    <message>
        <source>%1 not saved: %2</source>
        <translation>%1 未保存：%2</translation>
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
    <name>ProblemBanner</name>
    <message>
        <source>Backups are stopped: %1</source>
        <translation>备份已停止：%1</translation>
    </message>
</context>
<context>
    <name>ReaderTab</name>
    <message>
        <source>Outline</source>
        <translation>目录</translation>
    </message>
    <message>
        <source>Highlights</source>
        <translation>高亮</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>笔记</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>后退</translation>
    </message>
    <message>
        <source>Back (Alt+Left)</source>
        <translation>后退 (Alt+Left)</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>前进</translation>
    </message>
    <message>
        <source>Forward (Alt+Right)</source>
        <translation>前进 (Alt+Right)</translation>
    </message>
    <message>
        <source>Page number (Enter to go)</source>
        <translation>页码（按回车跳转）</translation>
    </message>
    <message>
        <source>Page number</source>
        <translation>页码</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>缩小 (-)</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>放大 (+)</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <source>Fit the page width to the window</source>
        <translation>使页面宽度适合窗口</translation>
    </message>
    <message>
        <source>Fit page</source>
        <translation>适合页面</translation>
    </message>
    <message>
        <source>Show whole pages</source>
        <translation>显示整页</translation>
    </message>
    <message>
        <source>Highlight the selection in %1 (%2)</source>
        <translation>用%1高亮所选内容 (%2)</translation>
    </message>
    <message>
        <source>Underline</source>
        <translation>下划线</translation>
    </message>
    <message>
        <source>Underline the selection (U)</source>
        <translation>为所选内容添加下划线 (U)</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Area highlight: drag a rectangle around a figure or equation</source>
        <translation>区域高亮：围绕图表或公式拖出一个矩形</translation>
    </message>
    <message>
        <source>Night</source>
        <translation>夜间</translation>
    </message>
    <message>
        <source>Night mode: light text on a dark page</source>
        <translation>夜间模式：深色页面上的浅色文字</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Undo: %1 (Ctrl+Z)</source>
        <translation>撤销：%1 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Redo: %1 (Ctrl+Shift+Z)</source>
        <translation>重做：%1 (Ctrl+Shift+Z)</translation>
    </message>
    <message>
        <source>Find in document (Ctrl+F)</source>
        <translation>在文档中查找 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Find in document</source>
        <translation>在文档中查找</translation>
    </message>
    <message>
        <source>Previous hit (Shift+Enter)</source>
        <translation>上一个结果 (Shift+Enter)</translation>
    </message>
    <message>
        <source>Next hit (Enter)</source>
        <translation>下一个结果 (Enter)</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>无标题</translation>
    </message>
    <message>
        <source>The file was moved or deleted: %1</source>
        <translation>文件已被移动或删除：%1</translation>
    </message>
    <message>
        <source>Your highlights and notes are kept. Locate the file to read it again; if you pick another copy of the paper, the highlights are moved onto it.</source>
        <translation>您的高亮和笔记均已保留。找到该文件即可继续阅读；如果选择该论文的另一份副本，高亮会转移到新文件上。</translation>
    </message>
    <message>
        <source>Locate…</source>
        <translation>定位…</translation>
    </message>
    <message>
        <source>Wrong password</source>
        <translation>密码错误</translation>
    </message>
    <message>
        <source>This PDF is password-protected</source>
        <translation>此 PDF 受密码保护</translation>
    </message>
    <message>
        <source>Enter password…</source>
        <translation>输入密码…</translation>
    </message>
    <message>
        <source>This PDF cannot be opened</source>
        <translation>无法打开此 PDF</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Choose another file…</source>
        <translation>选择其他文件…</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>正在打开 %1</translation>
    </message>
    <message>
        <source>Jumped to page %1 (Alt+Left to go back)</source>
        <translation>已跳转到第 %1 页（按 Alt+Left 返回）</translation>
    </message>
    <message>
        <source>arXiv</source>
        <translation>arXiv</translation>
    </message>
    <message>
        <source>DOI</source>
        <translation>DOI</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>This entry has no PDF yet (it came from a paper list). Its note and fields are on the right; attach the PDF to read and highlight it here.</source>
        <translation>此条目还没有 PDF（来自论文列表）。其笔记和字段显示在右侧；附加 PDF 后即可在此阅读和高亮。</translation>
    </message>
    <message>
        <source>Attach PDF…</source>
        <translation>附加 PDF…</translation>
    </message>
    <message>
        <source>This paper was deleted from the library</source>
        <translation>此论文已从文献库中删除</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password for %1:</source>
        <translation>%1 的密码：</translation>
    </message>
    <message>
        <source>Locate the PDF</source>
        <translation>定位 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Attach a PDF</source>
        <translation>附加 PDF</translation>
    </message>
    <message>
        <source>Checking %1…</source>
        <translation>正在检查 %1…</translation>
    </message>
    <message>
        <source>Another file</source>
        <translation>其他文件</translation>
    </message>
    <message>
        <source>%1 is not the file that was imported (its contents differ).

Attach it as this paper&apos;s new file? Highlights are moved onto it by their quoted text; those that cannot be found stay where they were.</source>
        <translation>%1 不是当初导入的文件（内容不同）。

要将其附加为此论文的新文件吗？高亮会按引用文本转移到新文件上；找不到的高亮保持原位。</translation>
    </message>
    <message>
        <source>Attaching %1…</source>
        <translation>正在附加 %1…</translation>
    </message>
    <message>
        <source>Reading its text and moving your highlights onto it.</source>
        <translation>正在读取其文本并转移您的高亮。</translation>
    </message>
    <message>
        <source>Found the file: %1</source>
        <translation>已找到文件：%1</translation>
    </message>
    <message>
        <source>Attached %1</source>
        <translation>已附加 %1</translation>
    </message>
    <message>
        <source> (%1 highlight(s) could not be found in it and stay where they were)</source>
        <translation>（有 %1 处高亮未能在其中找到，保持原位）</translation>
    </message>
    <message>
        <source>Nothing to go back to</source>
        <translation>没有可返回的位置</translation>
    </message>
    <message>
        <source>There is no page %1 (1–%2)</source>
        <translation>没有第 %1 页（1–%2）</translation>
    </message>
    <message>
        <source>%1 (p. %2)</source>
        <translation>%1（第 %2 页）</translation>
    </message>
    <message>
        <source>This PDF has no table of contents.</source>
        <translation>此 PDF 没有目录。</translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation>未找到：%1</translation>
    </message>
    <message>
        <source>No hits</source>
        <translation>无结果</translation>
    </message>
    <message>
        <source>Drag a rectangle around a figure or equation to highlight it</source>
        <translation>围绕图表或公式拖出一个矩形以高亮</translation>
    </message>
    <message>
        <source>Select some text first (or use the area tool for a figure)</source>
        <translation>请先选中文字（图表请使用区域工具）</translation>
    </message>
    <message>
        <source>Highlight</source>
        <translation>高亮</translation>
    </message>
    <message>
        <source>Area highlight</source>
        <translation>区域高亮</translation>
    </message>
    <message>
        <source>Highlight not saved: %1</source>
        <translation>高亮未保存：%1</translation>
    </message>
    <message>
        <source>%1 on page %2 saved (Ctrl+Z to undo)</source>
        <translation>第 %2 页的%1已保存（按 Ctrl+Z 撤销）</translation>
    </message>
    <message>
        <source>Delete highlight</source>
        <translation>删除高亮</translation>
    </message>
    <message>
        <source>Highlight deleted (Ctrl+Z to undo)</source>
        <translation>高亮已删除（按 Ctrl+Z 撤销）</translation>
    </message>
    <message>
        <source>Edit comment</source>
        <translation>编辑批注</translation>
    </message>
    <message>
        <source>Change colour</source>
        <translation>更改颜色</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>批注</translation>
    </message>
    <message>
        <source>Comment on the highlight on page %1:</source>
        <translation>第 %1 页高亮的批注：</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Quote added to %1</source>
        <translation>已将引用添加到%1</translation>
    </message>
    <message>
        <source>Highlight on page %1</source>
        <translation>第 %1 页的高亮</translation>
    </message>
    <message>
        <source> — Delete to remove, right-click the list for more</source>
        <translation> — 按 Delete 删除，右键单击列表查看更多操作</translation>
    </message>
    <message>
        <source>Highlight in %1</source>
        <translation>%1中的高亮</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Highlights (%1)</source>
        <translation>高亮 (%1)</translation>
    </message>
    <message>
        <source>The note could not be saved; your text was written to %1</source>
        <translation>笔记无法保存；您的文本已写入 %1</translation>
    </message>
</context>
<context>
    <name>RenderPool</name>
    <message>
        <source>the renderer crashed on this page</source>
        <translation>渲染进程在此页崩溃</translation>
    </message>
</context>
<context>
    <name>SearchOverlay</name>
    <message>
        <source>&lt;b&gt;Search&lt;/b&gt;</source>
        <translation>&lt;b&gt;搜索&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Keep open</source>
        <translation>保持打开</translation>
    </message>
    <message>
        <source>Keep the search open after opening a hit (it hides by default so the page is not covered; Ctrl+K brings it back with the same results)</source>
        <translation>打开结果后仍保留搜索框（默认会隐藏，以免遮住页面；按 Ctrl+K 可带着相同结果重新打开）</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message>
        <source>Search papers, notes and highlights — words or a description</source>
        <translation>搜索论文、笔记和高亮 — 输入词语或描述</translation>
    </message>
    <message>
        <source>Hybrid</source>
        <translation>混合</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>关键词</translation>
    </message>
    <message>
        <source>Semantic</source>
        <translation>语义</translation>
    </message>
    <message>
        <source>Hybrid: words and meaning together; Keyword: exact words; Semantic: by meaning</source>
        <translation>混合：同时匹配词语和语义；关键词：精确匹配词语；语义：按含义匹配</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>任意状态</translation>
    </message>
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
        <source>Year</source>
        <translation>年份</translation>
    </message>
    <message>
        <source>Only papers of this year or range, e.g. 2017 or 2014-2016</source>
        <translation>仅限该年份或年份范围的论文，例如 2017 或 2014-2016</translation>
    </message>
    <message>
        <source>In this paper</source>
        <translation>在本论文中</translation>
    </message>
    <message>
        <source>Any section</source>
        <translation>任意分类</translation>
    </message>
    <message>
        <source>Any tag</source>
        <translation>任意标签</translation>
    </message>
    <message>
        <source>Papers like “%1”…</source>
        <translation>与“%1”相似的论文…</translation>
    </message>
    <message>
        <source>The query is empty: type some words to search for.</source>
        <translation>查询为空：请输入要搜索的词语。</translation>
    </message>
    <message>
        <source>Loading the embedding model…</source>
        <translation>正在加载向量化模型…</translation>
    </message>
    <message>
        <source>Keyword results; loading the embedding model for hybrid results…</source>
        <translation>关键词结果；正在加载向量化模型以获取混合结果…</translation>
    </message>
    <message>
        <source>No matches.</source>
        <translation>无匹配结果。</translation>
    </message>
    <message>
        <source>%1 hit(s) in %2 paper(s)</source>
        <translation>在 %2 篇论文中找到 %1 处结果</translation>
    </message>
    <message>
        <source>p. %1</source>
        <translation>第 %1 页</translation>
    </message>
    <message>
        <source>title/notes</source>
        <translation>标题/笔记</translation>
    </message>
    <message>
        <source>%1 paper(s) like “%2”, closest first</source>
        <translation>%1 篇与“%2”相似的论文，按相似度排序</translation>
    </message>
    <message>
        <source>No similar papers found.</source>
        <translation>未找到相似论文。</translation>
    </message>
    <message>
        <source>%n more in this paper…</source>
        <translation>本文中还有 %n 处…</translation>
    </message>
    <message>
        <source>Show the other hits in this paper</source>
        <translation>显示本文中的其他结果</translation>
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
        <source>Default: %1</source>
        <translation>默认：%1</translation>
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
        <source>set by $READERAPP_LIBRARY, which overrides this setting</source>
        <translation>由 $READERAPP_LIBRARY 指定，优先于此设置</translation>
    </message>
    <message>
        <source>given with --library when readerapp was started</source>
        <translation>启动 readerapp 时由 --library 指定</translation>
    </message>
    <message>
        <source>In use now: %1 (%2)</source>
        <translation>当前使用：%1（%2）</translation>
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
        <source>Papers whose title, authors or year may be wrong; correcting a field takes it off this list</source>
        <translation>标题、作者或年份可能有误的论文；改正字段后即从此列表移除</translation>
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
    <message numerus="yes">
        <source>Needs review (%n)</source>
        <translation>
            <numerusform>待核对 (%n)</numerusform>
        </translation>
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
<context>
    <name>metadata</name>
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
        <translation>收录</translation>
    </message>
    <message>
        <source>arXiv id</source>
        <translation>arXiv 编号</translation>
    </message>
    <message>
        <source>DOI</source>
        <translation>DOI</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>网址</translation>
    </message>
    <message>
        <source>Code URL</source>
        <translation>代码地址</translation>
    </message>
</context>
</TS>
