<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
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
        <source>Export is not available in this build.</source>
        <translation>此版本不提供导出功能。</translation>
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
        <source>Page %1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
    <message>
        <source>This paper has no PDF file.</source>
        <translation>这篇论文没有 PDF 文件。</translation>
    </message>
    <message>
        <source>Paper %1</source>
        <translation>论文 %1</translation>
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
